"""Compare an audit with a baseline: an older menu file or an older JSON report.

>>> old = [{"menu": "m.yaml", "temperature": "cold", "depth_to_human": 4,
...         "time_to_human": {"first_time_s": None, "expert_s": None},
...         "findings": [{"code": "IVR101", "node": "main"}]}]
>>> new = [{"menu": "m.yaml", "temperature": "hot", "depth_to_human": 1,
...         "time_to_human": {"first_time_s": 22.3, "expert_s": 18.0}, "findings": []}]
>>> print(compare(old, new))
m.yaml (baseline m.yaml)
  temperature     cold -> hot
  depth to human  4 -> 1 (-3)
  first-time      nobody -> 22.3 s
  expert          nobody -> 18.0 s
  findings        1 -> 0 (-1); fixed: IVR101 at main
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ivr.errors import MenuLoadError

Report = dict[str, Any]


class BaselineError(ValueError):
    """A baseline that cannot be read."""


def read_json_baseline(path: Path) -> list[Report]:
    """The menu objects of an older JSON report (one object or a list)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BaselineError(f"{path}: not a JSON audit report ({exc})") from None
    reports = data if isinstance(data, list) else [data]
    if not all(isinstance(r, dict) and "menu" in r for r in reports):
        raise BaselineError(f'{path}: expected audit report objects with a "menu" key')
    return reports


def load_baseline(path: str | Path, audit_file) -> list[Report]:
    """Reports of the baseline: read a JSON report, or audit an old menu with ``audit_file``."""
    path = Path(path)
    if path.suffix == ".json":
        return read_json_baseline(path)
    try:
        return [audit_file(path)]
    except MenuLoadError as exc:
        raise BaselineError(f"baseline {path} cannot be loaded:\n{exc}") from None


def _pairs(old: list[Report], new: list[Report]) -> list[tuple[Report | None, Report]]:
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    pairs = []
    for report in new:
        match = next((o for o in old if o["menu"] == report["menu"]), None)
        match = match or next(
            (o for o in old if Path(o["menu"]).name == Path(report["menu"]).name), None
        )
        match = match or next(
            (o for o in old if o.get("hotline") and o.get("hotline") == report.get("hotline")), None
        )
        pairs.append((match, report))
    return pairs


def _seconds(value: float | None) -> str:
    return "nobody" if value is None else f"{value:.1f} s"


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value * 100:.0f} %"


def _share_change(old: float | None, new: float | None) -> str:
    text = f"{_percent(old)} -> {_percent(new)}"
    if old is not None and new is not None and round(old * 100) != round(new * 100):
        text += f" ({(new - old) * 100:+.0f} points)"
    return text


def _caller_lines(before: Report, after: Report) -> list[str]:
    """Caller figures before and after; reports from before the week model have none."""
    c0, c1 = before.get("callers") or {}, after.get("callers") or {}
    if not c0 and not c1:
        return []
    t0, t1 = before.get("time_to_human", {}), after.get("time_to_human", {})
    return [
        f"  reach a person  {_share_change(c0.get('reached'), c1.get('reached'))}",
        f"  give up on hold {_share_change(c0.get('abandoned'), c1.get('abandoned'))}",
        f"  hung up on      {_share_change(c0.get('hung_up'), c1.get('hung_up'))}",
        f"  first-time p50  {_change(c0.get('first_time_p50_s'), c1.get('first_time_p50_s'))}",
        f"  first-time p90  {_change(c0.get('first_time_p90_s'), c1.get('first_time_p90_s'))}",
        f"  in the menus    {_change(t0.get('ivr_s'), t1.get('ivr_s'))}",
    ]


def _change(old: float | None, new: float | None) -> str:
    text = f"{_seconds(old)} -> {_seconds(new)}"
    if old is not None and new is not None and old != new:
        text += f" ({new - old:+.1f} s)"
    return text


def compare(old: list[Report], new: list[Report]) -> str:
    """How depth, time-to-human and findings changed, menu by menu."""
    lines: list[str] = []
    for before, after in _pairs(old, new):
        if before is None:
            lines.append(f"{after['menu']}: not in the baseline")
            continue
        lines.append(f"{after['menu']} (baseline {before['menu']})")
        lines.append(f"  temperature     {before.get('temperature')} -> {after['temperature']}")
        d0, d1 = before.get("depth_to_human"), after.get("depth_to_human")
        delta = (
            f" ({d1 - d0:+d})" if isinstance(d0, int) and isinstance(d1, int) and d0 != d1 else ""
        )
        lines.append(
            f"  depth to human  {d0 if d0 is not None else '-'} -> "
            f"{d1 if d1 is not None else '-'}{delta}"
        )
        t0, t1 = before.get("time_to_human", {}), after.get("time_to_human", {})
        lines.append(f"  first-time      {_change(t0.get('first_time_s'), t1.get('first_time_s'))}")
        lines.append(f"  expert          {_change(t0.get('expert_s'), t1.get('expert_s'))}")
        lines.extend(_caller_lines(before, after))
        f0 = Counter((f["code"], f["node"]) for f in before.get("findings", []))
        f1 = Counter((f["code"], f["node"]) for f in after.get("findings", []))
        added, fixed = f1 - f0, f0 - f1
        n0, n1 = sum(f0.values()), sum(f1.values())
        text = f"  findings        {n0} -> {n1}" + (f" ({n1 - n0:+d})" if n0 != n1 else "")
        if added:
            text += "; new: " + ", ".join(f"{c} at {n}" for c, n in sorted(added.elements()))
        if fixed:
            text += "; fixed: " + ", ".join(f"{c} at {n}" for c, n in sorted(fixed.elements()))
        lines.append(text)
    return "\n".join(lines)
