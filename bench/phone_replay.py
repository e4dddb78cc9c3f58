"""How long the browser phone takes to answer one event as a call grows.

The phone keeps no state: every event replays the call's log through a fresh
engine call. This prints the time per answer (replay + JSON picture) for logs
of 1, 50 and 200 events (200 is the cap) on the cold line's product loop.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/audit.py would shadow the audit package that ivr.web imports.
sys.path = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from ivr.loader import load_menu  # noqa: E402
from ivr.web.phone_calls import MAX_EVENTS, CallLog, describe, replay  # noqa: E402


def main() -> None:
    menu = load_menu(ROOT / "menus" / "acme-cold.yaml")
    for size in (1, 50, MAX_EVENTS):
        log = CallLog(
            "acme-cold",
            "2026-11-23T10:00:00+07:00",
            None,
            (("press", "2"),) + (("press", "1"),) * (size - 1),
        )
        runs = 20
        started = time.perf_counter()
        for _ in range(runs):
            call, actions = replay(menu, log)
            describe(call, actions, log, menu)
        each = (time.perf_counter() - started) / runs
        print(f"{size:4d} events: {each * 1000:7.2f} ms per answer")


if __name__ == "__main__":
    main()
