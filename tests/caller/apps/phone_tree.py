"""A classic phone tree written the way public Twilio sample apps are, not with ivr.

It has the quirks real apps have: relative action URLs, a lower-case ``numdigits``
attribute (Twilio ignores it), ``text/html`` answers, no fallback verb after a
``<Gather>`` (silence hangs up without a word), a catch-all that redirects to the
start, a silence fallback that posts without ``Digits`` and gets a 500, and a 301 from an
old URL.

Run: ``python phone_tree.py PORT``.
"""

import sys

from flask import Flask, redirect, request

app = Flask(__name__)

WELCOME = """<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Gather numdigits="1" action="menu" method="POST">
    <Say>Thanks for calling the Phone Home Service. For directions, press 1.
    For a list of planets to call, press 2.</Say>
  </Gather>
</Response>"""

PLANETS = """<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Gather numDigits="1" action="/ivr/planets" method="POST">
    <Say>To call the planet Brodo Asogi, press 2. To call Dagobah, press 3.
    To go back to the main menu, press the star key.</Say>
  </Gather>
  <Redirect>/ivr/menu</Redirect>
</Response>"""


@app.route("/ivr/welcome", methods=["GET", "POST"])
def welcome():
    return WELCOME


@app.route("/ivr/menu", methods=["POST"])
def menu():
    digit = request.form.get("Digits")
    if digit is None:
        raise RuntimeError("Digits missing")  # a 500, as code written for keys only gives
    if digit == "1":
        return (
            "<Response><Say>To get to your extraction point, get on your bike and go down "
            "the street.</Say><Hangup/></Response>"
        )
    if digit == "2":
        return PLANETS
    return "<Response><Say>Returning to the main menu.</Say><Redirect>welcome</Redirect></Response>"


@app.route("/ivr/planets", methods=["POST"])
def planets():
    numbers = {"2": "+12024173378", "3": "+12027336386"}
    digit = request.form.get("Digits", "")
    if digit in numbers:
        return (
            "<Response><Say>Connecting you to your planet.</Say>"
            f'<Dial action="/ivr/after-dial">{numbers[digit]}</Dial></Response>'
        )
    return redirect("/ivr/welcome")


@app.route("/ivr/after-dial", methods=["POST"])
def after_dial():
    if request.form.get("DialCallStatus") == "completed":
        return "<Response><Hangup/></Response>"
    return "<Response><Say>Nobody answered. Goodbye.</Say><Hangup/></Response>"


@app.route("/old-number", methods=["GET", "POST"])
def old_number():
    return redirect("/ivr/welcome", code=301)


@app.route("/", defaults={"anything": ""}, methods=["GET", "POST"])
@app.route("/<path:anything>", methods=["GET", "POST"])
def catch_all(**_path):
    return redirect("/ivr/welcome")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
