"""Languages a menu may use: names, espeak-ng voices, Twilio voices and BCP-47 tags."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language: ISO 639-1 code, name, espeak-ng voice, BCP-47 tag, Twilio voice."""

    code: str
    name: str
    espeak: str
    bcp47: str
    twilio_voice: str


_TABLE = [
    ("ar", "Arabic", "ar", "ar-AE", "Polly.Zeina"),
    ("cs", "Czech", "zlw/cs", "cs-CZ", "Google.cs-CZ-Standard-A"),
    ("da", "Danish", "gmq/da", "da-DK", "Polly.Naja"),
    ("de", "German", "gmw/de", "de-DE", "Polly.Marlene"),
    ("el", "Greek", "grk/el", "el-GR", "Google.el-GR-Standard-A"),
    ("en", "English", "gmw/en-us", "en-US", "Polly.Joanna"),
    ("es", "Spanish", "roa/es", "es-ES", "Polly.Conchita"),
    ("fi", "Finnish", "urj/fi", "fi-FI", "Google.fi-FI-Standard-A"),
    ("fil", "Filipino", "poz/tl", "fil-PH", "Google.fil-PH-Standard-A"),
    ("fr", "French", "roa/fr", "fr-FR", "Polly.Celine"),
    ("hi", "Hindi", "inc/hi", "hi-IN", "Polly.Aditi"),
    ("hu", "Hungarian", "urj/hu", "hu-HU", "Google.hu-HU-Standard-A"),
    ("id", "Indonesian", "poz/id", "id-ID", "Google.id-ID-Standard-A"),
    ("it", "Italian", "roa/it", "it-IT", "Polly.Carla"),
    ("ja", "Japanese", "jpx/ja", "ja-JP", "Polly.Mizuki"),
    ("jv", "Javanese", "poz/id", "jv-ID", "Google.jv-ID-Standard-A"),
    ("ko", "Korean", "ko", "ko-KR", "Polly.Seoyeon"),
    ("ms", "Malay", "poz/ms", "ms-MY", "Google.ms-MY-Standard-A"),
    ("nl", "Dutch", "gmw/nl", "nl-NL", "Polly.Lotte"),
    ("no", "Norwegian", "gmq/nb", "nb-NO", "Polly.Liv"),
    ("pl", "Polish", "zlw/pl", "pl-PL", "Polly.Ewa"),
    ("pt", "Portuguese", "roa/pt", "pt-BR", "Polly.Vitoria"),
    ("ro", "Romanian", "roa/ro", "ro-RO", "Polly.Carmen"),
    ("ru", "Russian", "zle/ru", "ru-RU", "Polly.Tatyana"),
    ("sv", "Swedish", "gmq/sv", "sv-SE", "Polly.Astrid"),
    ("sw", "Swahili", "bnt/sw", "sw-KE", "Google.sw-KE-Standard-A"),
    ("ta", "Tamil", "dra/ta", "ta-IN", "Google.ta-IN-Standard-A"),
    ("th", "Thai", "tai/th", "th-TH", "Google.th-TH-Standard-A"),
    ("tr", "Turkish", "trk/tr", "tr-TR", "Polly.Filiz"),
    ("uk", "Ukrainian", "zle/uk", "uk-UA", "Google.uk-UA-Standard-A"),
    ("vi", "Vietnamese", "aav/vi", "vi-VN", "Google.vi-VN-Standard-A"),
    ("zh", "Chinese (Mandarin)", "sit/cmn", "zh-CN", "Polly.Zhiyu"),
]

LANGUAGES: dict[str, Language] = {row[0]: Language(*row) for row in _TABLE}


def language(code: str) -> Language:
    """The ``Language`` for an ISO 639-1 code (KeyError when unknown).

    >>> language("id").bcp47
    'id-ID'
    """
    return LANGUAGES[code]
