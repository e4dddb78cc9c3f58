"""Shared by the browser phone's tests: test menus, a recording tab."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "phone"
WEEKDAY_10AM = "2026-11-23T10:00"  # a Monday, 10:00 in the hotline's own time zone

SCRIPT_MENU = """\
hotline:
  name: "<script>window.__pwned = 'name'</script> Evil line"
  languages: [en]
  timezone: UTC
start: main
nodes:
  main:
    menu:
      prompt: >-
        <script>window.__pwned = 'prompt'</script><img src=x
        onerror="window.__pwned='img'"> For help, press 1.
      options:
        "1": help
  help:
    transfer: {to: "+1 555 0100", human: true, ring: 5, prompt: "<b>Connecting</b> you."}
"""

RECORDED_MENU = """\
hotline: {name: Recorded line, languages: [ko], timezone: Asia/Seoul}
start: main
nodes:
  main:
    menu:
      prompt: {audio: prompts/main.wav, text: "예약은 1번을 누르세요."}
      options:
        "1": {goto: bye, say: [예약]}
  bye:
    hangup: {say: {audio: prompts/missing.wav, text: "안녕히 계세요."}}
"""

# A prompt of about a second: the browser plays rendered audio in real time.
SHORT_MENU = """\
hotline: {name: Short line, languages: [en], timezone: UTC}
start: main
nodes:
  main:
    menu:
      prompt: "For help, press 1."
      options:
        "1": help
  help:
    transfer: {to: "+1 555 0100", human: true, ring: 5}
"""

BROKEN_MENU = """\
hotline: {name: Broken line, languages: [en]}
start: main
nodes:
  main:
    menu:
      prompt: "For billing, press 1."
      options:
        "1": biling
  billing:
    hangup: {}
"""


class Page:
    """A browser tab that records console errors and saves numbered screenshots."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.errors: list[str] = []
        self.step = 0
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def shot(self, what: str) -> Path:
        """Save a screenshot of the whole page as ``<test>-<nn>-<what>.png``."""
        self.step += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{self.step:02d}-{what}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
