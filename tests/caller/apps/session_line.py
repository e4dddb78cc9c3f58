"""A line that keeps the caller's place in a Flask session cookie behind one URL.

Some public sample apps work this way: every answer posts back to ``/voice``,
and only the cookie says which menu the caller is in. Run: ``python session_line.py PORT``.
"""

import sys

from flask import Flask, request, session

app = Flask(__name__)
app.secret_key = "a sample app's secret"


def gather(text: str, digits: int = 1) -> str:
    return (
        f'<Response><Gather numDigits="{digits}" action="/voice" method="POST">'
        f"<Say>{text}</Say></Gather><Say>We did not get your choice. Goodbye.</Say>"
        "<Hangup/></Response>"
    )


@app.route("/voice", methods=["POST"], strict_slashes=False)
def voice():
    step = session.get("step", "start")
    digits = request.form.get("Digits", "")
    if step == "start":
        session["step"] = "main"
        return gather("Welcome to Orbit Shop. For sales, press 1. For order support, press 2.")
    if step == "main" and digits == "1":
        session.clear()
        return "<Response><Say>Please hold for sales.</Say><Enqueue>sales</Enqueue></Response>"
    if step == "main" and digits == "2":
        session["step"] = "order"
        return gather("Please enter your four digit order number.", digits=4)
    if step == "order" and len(digits) == 4:
        session.clear()
        return (
            "<Response><Say>Thank you. Connecting you to order support.</Say>"
            "<Dial>+15005550006</Dial></Response>"
        )
    session["step"] = "main"
    return gather("Sorry, that is not a choice. For sales, press 1. For order support, press 2.")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
