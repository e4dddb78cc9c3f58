"""Signed call state carried in action URLs, so any worker can serve any request.

The state is the node the caller is at, the language, the retry counts and the
variables collected so far. It travels as ``?s=<payload>.<mac>``: URL-safe
base64 JSON plus an HMAC-SHA256 over the menu name and the payload, so a caller
cannot forge variables or move a call to another menu.

>>> token = encode_state(b"secret", "acme", CallState("main", "en", {"main": 1}, {"acct": "42"}))
>>> decode_state(b"secret", "acme", token)
CallState(node='main', lang='en', failures={'main': 1}, variables={'acct': '42'}, seq=0)
>>> decode_state(b"secret", "other-menu", token) is None
True
>>> decode_state(b"secret", "acme", "ab.é") is None
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass, field

MAX_TOKEN_LENGTH = 4096
MAC_BYTES = 16


@dataclass(frozen=True)
class CallState:
    """Where a call is: node, language, retry counts per node, collected variables."""

    node: str
    lang: str
    failures: dict[str, int] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    seq: int = 0  # how many requests of the call came before: orders its records


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, menu: str, payload: str) -> str:
    digest = hmac.new(secret, f"{menu}\n{payload}".encode(), hashlib.sha256).digest()
    return _b64(digest[:MAC_BYTES])


def encode_state(secret: bytes, menu: str, state: CallState) -> str:
    """The signed token for ``state`` of a call in ``menu``."""
    body = {"n": state.node, "l": state.lang}
    if state.failures:
        body["f"] = state.failures
    if state.variables:
        body["v"] = state.variables
    if state.seq:
        body["q"] = state.seq
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_mac(secret, menu, payload)}"


def decode_state(secret: bytes, menu: str, token: str | None) -> CallState | None:
    """The state in ``token``, or None when it is missing, malformed or not ours."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    payload, mac = token.split(".")
    if not hmac.compare_digest(mac.encode(), _mac(secret, menu, payload).encode()):
        return None
    try:
        body = json.loads(_unb64(payload))
    except (ValueError, binascii.Error):
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
