"""Signed tokens: the one scheme for state that travels through callers' hands.

Both the webhook's call state (in action URLs, ``?s=<token>``) and the browser
phone's call log (``ivr.web.phone_calls``) are signed with itsdangerous
(``URLSafeSerializer``: URL-safe JSON, HMAC-SHA1 keyed by the secret and a
salt naming the purpose). The webhook's salt holds the menu name, so a caller
can neither forge variables nor move a call to another menu.

>>> token = encode_state(b"secret", "acme", CallState("main", "en", {"main": 1}, {"acct": "42"}))
>>> decode_state(b"secret", "acme", token)
CallState(node='main', lang='en', failures={'main': 1}, variables={'acct': '42'}, seq=0)
>>> decode_state(b"secret", "other-menu", token) is None
True
>>> decode_state(b"secret", "acme", "ab.é") is None
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadData, BadSignature, URLSafeSerializer

MAX_TOKEN_LENGTH = 4096
STATE_SALT = "ivr-call-state"


@dataclass(frozen=True)
class CallState:
    """Where a call is: node, language, retry counts per node, collected variables."""

    node: str
    lang: str
    failures: dict[str, int] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    seq: int = 0  # how many requests of the call came before: orders its records


@functools.lru_cache(maxsize=256)
def signer(secret: str | bytes, purpose: str) -> URLSafeSerializer:
    """The serializer that signs tokens for ``purpose`` with ``secret`` (made once per pair:
    every webhook request checks a token)."""
    return URLSafeSerializer(secret, salt=purpose)


def load_signed(
    secret: str | bytes, purpose: str, token: object, max_length: int = MAX_TOKEN_LENGTH
) -> Any:
    """The payload of ``token``; ``BadData`` when it is missing, too long, forged or junk."""
    if not isinstance(token, str) or not token or len(token) > max_length:
        raise BadSignature("no token")
    return signer(secret, purpose).loads(token)


def encode_state(secret: bytes, menu: str, state: CallState) -> str:
    """The signed token for ``state`` of a call in ``menu``."""
    body: dict[str, object] = {"n": state.node, "l": state.lang}
    if state.failures:
        body["f"] = state.failures
    if state.variables:
        body["v"] = state.variables
    if state.seq:
        body["q"] = state.seq
    return signer(secret, f"{STATE_SALT}:{menu}").dumps(body)


def decode_state(secret: bytes, menu: str, token: str | None) -> CallState | None:
    """The state in ``token``, or None when it is missing, malformed or not ours."""
    try:
        body = load_signed(secret, f"{STATE_SALT}:{menu}", token)
    except BadData:
        return None
    if not isinstance(body, dict):
        return None
    node, lang = body.get("n"), body.get("l")
    failures, variables = body.get("f", {}), body.get("v", {})
    if not (
        isinstance(node, str)
        and isinstance(lang, str)
        and isinstance(failures, dict)
        and isinstance(variables, dict)
    ):
        return None
    return CallState(
        node,
        lang,
        {str(k): int(v) for k, v in failures.items() if isinstance(v, int)},
        {str(k): str(v) for k, v in variables.items()},
        body["q"] if isinstance(body.get("q"), int) else 0,
    )
