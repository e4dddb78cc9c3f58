"""A minimal hand-written Flask TwiML app: acme-hot's first menu, hard-coded, for comparison.

What a developer writes without ivr (the Twilio tutorial style): ``bench/webhook.py``
runs it next to the ivr webhook to compare throughput.
"""

from flask import Flask, request
from twilio.twiml.voice_response import Gather, VoiceResponse

app = Flask(__name__)
VOICE = {"voice": "Google.id-ID-Standard-A", "language": "id-ID"}


def twiml(response: VoiceResponse):
    return str(response), 200, {"Content-Type": "text/xml"}


@app.route("/voice", methods=["GET", "POST"])
def answer():
    response = VoiceResponse()
    response.say("Halo, ini ACME.", **VOICE)
    menu = Gather(
        input="dtmf speech",
        action="/voice/gather",
        num_digits=1,
        timeout=5,
        language="id-ID",
        hints="agen, agent, operator, orang, pesanan, order",
    )
    menu.say("Untuk agen, tekan 0. Untuk pesanan, tekan 1. For English, press 9.", **VOICE)
    response.append(menu)
    response.redirect("/voice/gather")
    return twiml(response)


@app.route("/voice/gather", methods=["GET", "POST"])
def gathered():
    response = VoiceResponse()
    if request.values.get("Digits") == "0":
        response.enqueue("care", wait_url="/voice/wait", action="/voice/done")
    else:
        response.say("Maaf, pilihan Anda tidak valid.", **VOICE)
        response.redirect("/voice")
    return twiml(response)


@app.route("/voice/wait", methods=["GET", "POST"])
def wait():
    response = VoiceResponse()
    response.say("Perkiraan waktu tunggu Anda kurang dari satu menit.", **VOICE)
    offer = response.gather(num_digits=1, action="/voice/callback", timeout=3)
    offer.say("Untuk ditelepon kembali, tekan 1.", **VOICE)
    response.say("Terima kasih telah menunggu. Agen kami segera melayani Anda.", **VOICE)
    response.pause(length=20)
    return twiml(response)
