"""The audit rules: one module per rule, found by the registry.

Adding a rule is adding a module here that defines ``RULE``, a subclass of
``audit.rules.base.Rule`` with its code, name, default severity, options and
documented docstring. ``registry()`` imports every module of this package.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from audit.rules.base import Rule


@cache
def registry() -> dict[str, type[Rule]]:
    """Every rule class by code, in code order."""
    rules: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if rule is None:
            continue
        if rule.code in rules:
            raise RuntimeError(
                f"two rules claim {rule.code}: {rules[rule.code].__module__} and {module.__name__}"
            )
        rules[rule.code] = rule
    return dict(sorted(rules.items()))
