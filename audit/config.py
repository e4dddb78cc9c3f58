"""Audit configuration: presets ``default`` and ``strict``, or a YAML file.

A configuration file (``ivr audit --config audit.yaml``)::

    extends: strict              # preset to start from (default: default)
    select: [IVR1, IVR201]       # code prefixes to run (default: every rule)
    ignore: [IVR302]             # code prefixes to skip
    rules:
      IVR103: {max_depth: 2, severity: error}
      IVR309: off                # or {enabled: false}

>>> config = load_config("strict")
>>> [r.settings["max_depth"] for r in config.rules() if r.code == "IVR103"]
[2]
>>> [r.code for r in load_config("default").rules(select=["IVR10"], ignore=["IVR101"])][:3]
['IVR102', 'IVR103', 'IVR104']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audit.rules import registry
from audit.rules.base import SEVERITIES, Rule
from ivr.errors import did_you_mean

PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "strict": {
        "rules": {
            "IVR103": {"max_depth": 2},
            "IVR104": {"max_options": 4},
            "IVR201": {"limit": 60},
            "IVR203": {"max_wait": 60},
            "IVR301": {"max_prompt": 15, "max_greeting": 5},
            "IVR302": {"severity": "warning"},
            "IVR309": {"severity": "warning"},
            "IVR310": {"severity": "warning"},
        },
    },
}
TOP_KEYS = ("extends", "select", "ignore", "rules")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message says what was expected."""


@dataclass
class Config:
    """Which rules run, with which severities and options."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = "default"

    def rules(self, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
        """Instances of the selected rules (``select``/``ignore`` add to the config's)."""
        chosen = [*self.select, *select]
        skipped = [*self.ignore, *ignore]
        for prefix in [*chosen, *skipped]:
            if not any(code.startswith(prefix.upper()) for code in registry()):
                raise ConfigError(
                    f'no rule code starts with "{prefix}"{did_you_mean(prefix.upper(), registry())}'
                )
        made = []
        for code, rule_class in registry().items():
            settings = dict(self.rule_settings.get(code, {}))
            if not settings.pop("enabled", True):
                continue
            if chosen and not any(code.startswith(p.upper()) for p in chosen):
                continue
            if any(code.startswith(p.upper()) for p in skipped):
                continue
            try:
                made.append(rule_class(**settings))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{self.source}: {exc}") from None
        return made


def load_config(spec: str | Path | None = None) -> Config:
    """The configuration named by a preset name or a YAML file path (None: ``default``)."""
    if spec is None or str(spec) in PRESETS:
        name = str(spec or "default")
        return _build(PRESETS[name], name)
    path = Path(spec)
    if not path.is_file():
        raise ConfigError(f'"{spec}" is neither a preset ({", ".join(PRESETS)}) nor a file')
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with keys {', '.join(TOP_KEYS)}")
    for key in data:
        if key not in TOP_KEYS:
            raise ConfigError(
                f'{path}: unknown key "{key}"{did_you_mean(key, TOP_KEYS)}; '
                f"expected {', '.join(TOP_KEYS)}"
            )
    base = str(data.get("extends", "default"))
    if base not in PRESETS:
        raise ConfigError(f'{path}: extends "{base}", which is not a preset ({", ".join(PRESETS)})')
    merged = {
        "select": data.get("select", PRESETS[base].get("select", [])),
        "ignore": data.get("ignore", PRESETS[base].get("ignore", [])),
        "rules": {code: dict(v) for code, v in PRESETS[base].get("rules", {}).items()},
    }
    for code, value in (data.get("rules") or {}).items():
        merged["rules"].setdefault(str(code).upper(), {}).update(_rule_value(path, code, value))
    return _build(merged, str(path))


def _rule_value(path: Path, code: str, value: Any) -> dict[str, Any]:
    if value is False or value == "off":
        return {"enabled": False}
    if value is True or value == "on":
        return {"enabled": True}
    if isinstance(value, str) and value in SEVERITIES:
        return {"severity": value}
    if not isinstance(value, dict):
        raise ConfigError(
            f"{path}: rules.{code} must be off, on, a severity or a mapping of "
            f"options, got {value!r}"
        )
    return value


def _build(data: dict[str, Any], source: str) -> Config:
    rules = data.get("rules", {})
    for code in rules:
        if code not in registry():
            raise ConfigError(f'{source}: unknown rule "{code}"{did_you_mean(code, registry())}')
    select, ignore = data.get("select", []), data.get("ignore", [])
    for name, value in (("select", select), ("ignore", ignore)):
        if not isinstance(value, list):
            raise ConfigError(f"{source}: {name} must be a list of rule code prefixes")
    config = Config(
        [str(s) for s in select],
        [str(s) for s in ignore],
        {code: dict(v) for code, v in rules.items()},
        source,
    )
    config.rules()  # raise ConfigError now for unknown options or severities
    return config
