"""What the line itself says (not the menu's prompts), in a few languages."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ivr.queueing import expected_wait

if TYPE_CHECKING:
    from ivr.model import QueueNode

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "invalid": "Sorry, that is not a valid choice.",
        "no_input": "Sorry, I did not hear anything.",
        "fail_goodbye": "Sorry, we could not understand your choice. Goodbye.",
        "closed_goodbye": "We are closed now. Please call again during opening hours. Goodbye.",
        "wait": "Your estimated wait is about {minutes} minutes.",
        "wait_one": "Your estimated wait is about one minute.",
        "wait_short": "Your estimated wait is under a minute.",
        "busy": "All our agents are busy and we cannot estimate your wait.",
        "callback": "To be called back instead of waiting, press 1.",
        "connecting": "Connecting you now.",
        "beep": "Please speak after the tone.",
        "apology": "Sorry, something went wrong on our side.",
        "callback_booked": "We will call you back as soon as an agent is free. Goodbye.",
        "message_goodbye": "Thank you for your message. Goodbye.",
        "not_in_service": "Sorry, this line is not in service. Please check the number. Goodbye.",
    },
    "id": {
        "invalid": "Maaf, pilihan Anda tidak valid.",
        "no_input": "Maaf, kami tidak mendengar apa pun.",
        "fail_goodbye": "Maaf, kami tidak dapat memahami pilihan Anda. Terima kasih.",
        "closed_goodbye": "Kami sedang tutup. Silakan hubungi kami pada jam kerja. Terima kasih.",
        "wait": "Perkiraan waktu tunggu Anda sekitar {minutes} menit.",
        "wait_one": "Perkiraan waktu tunggu Anda sekitar satu menit.",
        "wait_short": "Perkiraan waktu tunggu Anda kurang dari satu menit.",
        "busy": "Semua agen kami sedang sibuk.",
        "callback": "Untuk ditelepon kembali, tekan 1.",
        "connecting": "Anda sedang disambungkan.",
        "beep": "Silakan bicara setelah nada.",
        "apology": "Maaf, terjadi kesalahan pada sistem kami.",
        "callback_booked": "Kami akan menelepon Anda kembali segera. Terima kasih.",
        "message_goodbye": "Terima kasih atas pesan Anda. Sampai jumpa.",
        "not_in_service": "Maaf, nomor ini tidak aktif. Silakan periksa nomor Anda. Terima kasih.",
    },
    "ko": {
        "invalid": "죄송합니다. 잘못된 선택입니다.",
        "no_input": "죄송합니다. 입력이 없습니다.",
        "fail_goodbye": "죄송합니다. 선택을 이해하지 못했습니다. 안녕히 계세요.",
        "closed_goodbye": "지금은 영업시간이 아닙니다. 안녕히 계세요.",
        "wait": "예상 대기 시간은 약 {minutes}분입니다.",
        "wait_one": "예상 대기 시간은 약 1분입니다.",
        "wait_short": "예상 대기 시간은 1분 미만입니다.",
        "busy": "모든 상담원이 통화 중입니다.",
        "callback": "회신 전화를 원하시면 1번을 누르세요.",
        "connecting": "연결해 드리겠습니다.",
        "beep": "삐 소리 후에 말씀해 주세요.",
        "apology": "죄송합니다. 시스템 오류가 발생했습니다.",
        "callback_booked": "상담원이 연결되는 대로 다시 전화드리겠습니다. 안녕히 계세요.",
        "message_goodbye": "메시지를 남겨 주셔서 감사합니다. 안녕히 계세요.",
        "not_in_service": "죄송합니다. 지금 거신 번호는 서비스되지 않는 번호입니다. 안녕히 계세요.",
    },
}


APOLOGIES = frozenset({"invalid", "no_input", "fail_goodbye", "closed_goodbye"})


def line_phrase(name: str, lang: str, *, apologies: bool = True, **values: object) -> str:
    """What the line says of its own at a failure: ``phrase``, or nothing for an apology
    on a line set to say only its menu's words (``hotline: {apologies: false}``).

    >>> line_phrase("invalid", "en", apologies=False)
    ''
    >>> line_phrase("invalid", "en")
    'Sorry, that is not a valid choice.'
    """
    if not apologies and name in APOLOGIES:
        return ""
    return phrase(name, lang, **values)


def phrase(name: str, lang: str, **values: object) -> str:
    """The system phrase ``name`` in ``lang`` (English when missing).

    >>> phrase("wait", "id", minutes=5)
    'Perkiraan waktu tunggu Anda sekitar 5 menit.'
    """
    table = PHRASES.get(lang, PHRASES["en"])
    return table.get(name, PHRASES["en"][name]).format(**values)


def queue_announcements(node: QueueNode, lang: str) -> list[str]:
    """What a queue tells a caller on entry: the estimated wait, the call-back offer.

    A webhook also plays them from the queue's hold loop (Twilio's ``waitUrl``).
    """
    texts = []
    if node.announce_wait:
        wait = expected_wait(node)
        if wait is None or math.isinf(wait):
            texts.append(phrase("busy", lang))
        elif wait < 60:
            texts.append(phrase("wait_short", lang))
        elif round(wait / 60) == 1:
            texts.append(phrase("wait_one", lang))
        else:
            texts.append(phrase("wait", lang, minutes=round(wait / 60)))
    if node.callback:
        texts.append(phrase("callback", lang))
    return texts
