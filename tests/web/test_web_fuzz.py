"""Random requests (paths, methods, fields, digits, unicode, huge values): no 5xx, no
internal error, and every answer under /voice/ is TwiML. 100 requests in the fast loop,
2,000 more under the ``slow`` marker."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_support import feature_app, parse_twiml, twilio_form

STEPS = (
    "",
    "/gather",
    "/wait",
    "/callback",
    "/queued",
    "/dialed",
    "/recorded",
    "/nowhere",
    "/audio/voices/hello.wav",
    "/audio/../../secret",
)
FIELDS = (
    "Digits",
    "SpeechResult",
    "Confidence",
    "CallSid",
    "QueueResult",
    "QueueTime",
    "DialCallStatus",
    "RecordingUrl",
    "QueuePosition",
    "From",
    "To",
    "CallStatus",
)
URL_IN_TWIML = re.compile(r'(?:action|waitUrl)="([^"]+)"|<Redirect[^>]*>([^<]+)<')


class Collect(logging.Handler):
    """Keeps error records of the webhook (an internal error would log one)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def harvest(client, wanted: int) -> list[str]:
    """About ``wanted`` real action URLs (validly signed states) met while pressing around."""
    found: list[str] = []
    todo = ["/voice/feature-line"]
    while todo and len(found) < wanted:
        url = todo.pop(0)
        for digits in ("", "0", "1", "2", "3", "1234#", "5"):
            body = client.post(url, data=twilio_form(Digits=digits)).get_data(as_text=True)
            for match in URL_IN_TWIML.finditer(body):
                link = (match.group(1) or match.group(2)).replace("&amp;", "&")
                if link not in found:
                    found.append(link)
                    todo.append(link)
    return found


def values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet="0123456789*#", max_size=40),
        st.sampled_from(
            [
                "bridged",
                "leave",
                "hangup",
                "no-answer",
                "completed",
                "busy",
                "1",
                "agent",
                "sales please",
                "١٢٣",
                "\u0000",
                "<Hangup/>",
                "' OR 1=1 --",
            ]
        ),
        st.integers(1000, 120_000).map(lambda n: "9" * n),
    )


def paths(known: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(known),
        st.builds(lambda url, cut: url[:cut], st.sampled_from(known), st.integers(0, 200)),
        st.builds(lambda url, junk: url + junk, st.sampled_from(known), st.text(max_size=30)),
        st.builds(
            lambda menu, step: f"/voice/{menu}{step}",
            st.sampled_from(["feature-line", "nope", "..", "Feature-Line", "a" * 300]),
            st.sampled_from(STEPS),
        ),
        st.builds(
            lambda tail: "/voice/" + tail,
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
        ),
    )


@pytest.mark.parametrize(
    "examples",
    [
        pytest.param(100, id="100-requests"),
        pytest.param(2000, id="2000-requests", marks=pytest.mark.slow),
    ],
)
def test_random_requests_never_get_a_5xx_and_always_get_twiml(tmp_path, examples):
    app = feature_app(tmp_path, audio=True)
    client = app.test_client()
    known = harvest(client, wanted=min(60, examples // 5))
    assert len(known) >= 10
    errors = Collect()
    logging.getLogger("ivr.web").addHandler(errors)
    sent: list[int] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=paths(known),
        method=st.sampled_from(
            ["POST", "POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
        ),
        fields=st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), values(), max_size=6
        ),
    )
    def one_request(path: str, method: str, fields: dict[str, str]) -> None:
        if method in ("GET", "HEAD"):
            query = urlencode(fields)
            answer = client.open(
                path + ("&" if "?" in path else "?") + query if query else path, method=method
            )
        else:
            answer = client.open(path, method=method, data=fields)
        sent.append(answer.status_code)
        assert answer.status_code < 500, (method, path, answer.status_code)
        if (
            method != "HEAD"
            and answer.request.path.startswith("/voice")
            and "/audio/" not in answer.request.path
        ):
            parse_twiml(answer.data)
        answer.close()  # an audio answer holds its file open until closed

    try:
        one_request()
    finally:
        logging.getLogger("ivr.web").removeHandler(errors)
    assert len(sent) >= examples
    assert not errors.records, [r.getMessage() for r in errors.records]
