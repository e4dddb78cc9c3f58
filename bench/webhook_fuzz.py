"""Fuzz the webhook under gunicorn (4 workers, 4 threads) and count what callers would meet.

Random requests walk the bundled menus the way Twilio would (following the URLs
each answer gives) and the way nobody should (cut or extended URLs, other
methods, junk fields: NUL bytes, Korean and Indonesian text, huge digits,
tampered state), signed with the auth token or not. Printed: requests, 5xx,
answers under ``/voice`` that are not TwiML, silent hang-ups (a call ended
without a word), and call events lost (answered webhook requests minus rows in
the call database, after a graceful stop).

    python bench/webhook_fuzz.py [REQUESTS] [--unsigned]
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "fuzz-token"
MENUS = sorted(p.stem for p in (ROOT / "menus").glob("*.yaml"))
STEPS = ("", "/gather", "/wait", "/callback", "/queued", "/dialed", "/recorded", "/nowhere")
METHODS = ("POST",) * 6 + ("GET",) * 3 + ("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
VALUES = (
    "1",
    "0",
    "2",
    "12345678#",
    "9" * 200,
    "tekan nol",
    "상담원 연결해 주세요, 지금",
    'agent, "please"',
    "\x00\x01 nul",
    "",
    "completed",
    "no-answer",
    "bridged",
    "leave",
    "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
)
FIELDS = ("Digits", "SpeechResult", "QueueResult", "DialCallStatus", "RecordingUrl", "Junk")
VERBS = {"Say", "Play", "Pause", "Gather", "Redirect", "Enqueue", "Dial", "Record", "Hangup"}
VERBS |= {"Leave", "Reject", "Number", "Response"}
URL = re.compile(r'(?:action|waitUrl)="([^"]+)"|<Redirect[^>]*>([^<]+)<')
ENDED_WELL = ("completed", "answered", "bridged", "hangup", "leave")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(folder: Path, signed: bool):
    """The webhook under gunicorn on a free port; stopped gracefully after."""
    port = free_port()
    env = {
        **os.environ,
        "IVR_MENU_DIR": str(ROOT / "menus"),
        "IVR_DATABASE_URL": f"sqlite:///{folder / 'calls.db'}",
        "IVR_NOW": "2026-11-23T10:00",
        **({"IVR_TWILIO_AUTH_TOKEN": TOKEN} if signed else {}),
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "--workers", "4", "--threads", "4"),
        *("--bind", f"127.0.0.1:{port}", "--graceful-timeout", "30"),
        "ivr.web:create_app()",
    ]
    with (folder / "gunicorn.log").open("a") as log:
        master = subprocess.Popen(command, env=env, cwd=ROOT, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                time.sleep(0.1)
            yield port
        finally:
            master.send_signal(signal.SIGTERM)
            master.wait(60)


def send(port: int, method: str, path: str, fields: dict[str, str], signed: bool):
    """One request as Twilio would shape it: (status, content type, body)."""
    body = urlencode(fields) if method == "POST" else None
    if method in ("GET", "HEAD") and fields:
        path += ("&" if "?" in path else "?") + urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        url = f"http://127.0.0.1:{port}{path}"
        form = fields if method == "POST" else {}
        headers["X-Twilio-Signature"] = RequestValidator(TOKEN).compute_signature(url, form)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body, headers)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read()
    finally:
        connection.close()


def is_twiml(body: bytes) -> Element | None:
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException):
        return None
    ok = root.tag == "Response" and all(e.tag in VERBS for e in root.iter())
    return root if ok else None


def silent_end(root: Element, path: str, fields: dict[str, str]) -> bool:
    """A document that ends the call without a word (after no conversation with a person;
    a hold loop's document is played again and again, it ends nothing)."""
    if urlsplit(path).path.endswith("/wait"):
        return False
    tags = [e.tag for e in root.iter()][1:]
    waits = {"Gather", "Redirect", "Enqueue", "Dial", "Record", "Leave"}
    if waits & set(tags) or {"Say", "Play"} & set(tags):
        return False
    result = fields.get("QueueResult") or fields.get("DialCallStatus") or ""
    return result not in ENDED_WELL


def one(port: int, rng: random.Random, known: list[str], signed: bool) -> dict[str, int]:
    """One random request; what it counts toward."""
    choice = rng.random()
    if choice < 0.5 and known:
        path = rng.choice(known)
    elif choice < 0.7:
        path = f"/voice/{rng.choice(MENUS)}{rng.choice(STEPS)}"
    elif choice < 0.85 and known:
        url = rng.choice(known)
        path = url[: rng.randrange(len(url) + 1)] or "/"
    else:
        path = f"/voice/{rng.choice([*MENUS, 'nope', 'a' * 200])}{rng.choice(STEPS)}"
    method = rng.choice(METHODS)
    fields = {"CallSid": f"CA{rng.randrange(10**6)}"}
    fields.update({rng.choice(FIELDS): rng.choice(VALUES) for _ in range(rng.randrange(4))})
    sign = signed and rng.random() < 0.9
    status, kind, body = send(port, method, path, fields, sign)
    counts = {"requests": 1, "5xx": int(status >= 500)}
    on_voice = path.startswith("/voice") and "/audio/" not in path and method != "HEAD"
    root = is_twiml(body) if on_voice else None
    counts["not_twiml"] = int(on_voice and (root is None or "xml" not in kind))
    counts["stored"] = int(on_voice and status == 200)
    counts["silent"] = int(root is not None and status == 200 and silent_end(root, path, fields))
    for match in URL.finditer(body.decode("utf-8", "replace")) if root is not None else ():
        url = (match.group(1) or match.group(2)).replace("&amp;", "&")
        parts = urlsplit(url)
        known.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    del known[:-500]
    return counts


def main(requests: int = 5000, signed: bool = True) -> None:
    totals: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with gunicorn(Path(folder), signed) as port:
            known = [f"/voice/{name}" for name in MENUS]

            def batch(seed: int) -> list[dict[str, int]]:
                rng = random.Random(seed)
                return [one(port, rng, known, signed) for _ in range(requests // 16)]

            with ThreadPoolExecutor(16) as pool:
                for counts in (c for part in pool.map(batch, range(16)) for c in part):
                    for key, value in counts.items():
                        totals[key] = totals.get(key, 0) + value
        seconds = time.perf_counter() - started
        engine = create_engine(f"sqlite:///{folder}/calls.db")
        with engine.connect() as connection:
            rows = connection.execute(text("select count(*) from call_events")).scalar_one()
        engine.dispose()
    print(f"gunicorn, 4 workers x 4 threads, {'signed' if signed else 'unsigned'} line")
    print(f"requests          {totals['requests']:>7,} in {seconds:.1f} s")
    print(f"5xx               {totals['5xx']:>7,}")
    print(f"not TwiML         {totals['not_twiml']:>7,}")
    print(f"silent hang-ups   {totals['silent']:>7,}")
    print(f"answered (stored) {totals['stored']:>7,}")
    print(f"rows in database  {rows:>7,}")
    print(f"events lost       {totals['stored'] - rows:>7,}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(arguments[0]) if arguments else 5000, "--unsigned" not in sys.argv)
