"""The verdict corpus: small menus, each with the verdict a careful analyst gives.

Every file in ``tests/audit/verdicts/`` opens with a comment block::

    # verdict:
    #   temperature: cold            # hot, warm, cold or frozen
    #   must: [IVR202]               # findings that must appear
    #   must_not: [IVR209]           # findings that must not appear
    #   figures:                     # caller figures: [low, high], or null for unknown
    #     reached: [0.25, 0.35]
    #   text: ["give up on hold"]    # phrases the text report must contain
    #   why: the analyst's reasoning, in a sentence or two (last; free text)

and the audit of the menu below it must agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from audit.reports import FORMATS
from audit.run import audit_menu
from ivr.loader import load_menu

CORPUS = Path(__file__).parent / "verdicts"
CASES = sorted(CORPUS.glob("*.yaml"))


def verdict_of(path: Path) -> dict:
    """The analyst's verdict written in the comment block at the top of ``path``."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    assert "verdict:" in lines, f"{path.name} has no verdict block"
    lines = lines[lines.index("verdict:") :]
    why = next((i for i, line in enumerate(lines) if line.strip().startswith("why:")), len(lines))
    verdict = yaml.safe_load("\n".join(lines[:why]))["verdict"]
    verdict["why"] = " ".join(line.strip() for line in lines[why:]).removeprefix("why:").strip()
    return verdict


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_the_audit_gives_the_analysts_verdict(path):
    verdict = verdict_of(path)
    audit = audit_menu(load_menu(path))
    report = audit.as_dict()
    codes = {f["code"] for f in report["findings"]}
    assert audit.temperature == verdict["temperature"], verdict.get("why")
    for code in verdict.get("must", []):
        assert code in codes, f"{code} missing; found {sorted(codes)}"
    for code in verdict.get("must_not", []):
        assert code not in codes, f"{code} found: " + "; ".join(
            f["message"] for f in report["findings"] if f["code"] == code
        )
    for name, expected in (verdict.get("figures") or {}).items():
        value = report["callers"][name] if name in report["callers"] else report[name]
        if expected is None:
            assert value is None, f"{name} is {value}, the analyst says unknown"
        else:
            low, high = expected
            assert value is not None and low <= value <= high, f"{name} = {value}"
    text = FORMATS["text"]([audit], frozenset({"error"}))
    assert "never" not in text.lower()
    for phrase in verdict.get("text", []):
        assert phrase in text, f"{phrase!r} not in the text report"
