"""``docs/rules.md`` generated from the rules' docstrings: ``python -m audit.docs``.

A test checks the file in the repository matches, so the docs cannot drift.
"""

from __future__ import annotations

import sys

from audit.config import PRESETS
from audit.rules import registry


def rules_markdown() -> str:
    """The rule reference as Markdown: a table, then each rule's documentation."""
    strict = PRESETS["strict"]["rules"]
    lines = [
        "# Audit rules",
        "",
        "Generated from the rule docstrings by `python -m audit.docs > docs/rules.md`;",
        "do not edit by hand. Severities and options are the `default` preset; the",
        "`strict` preset changes those listed. See [audit.md](audit.md) for the report",
        "and configuration.",
        "",
        "| code | rule | severity | options | strict preset |",
        "|---|---|---|---|---|",
    ]
    for code, rule in registry().items():
        options = (
            ", ".join(f"`{k}: {v}`" for k, v in rule.options.items() if not isinstance(v, list))
            or "-"
        )
        changed = ", ".join(f"`{k}: {v}`" for k, v in strict.get(code, {}).items()) or "-"
        lines.append(
            f"| [{code}](#{code.lower()}-{rule.name}) | {rule.name} | {rule.severity} "
            f"| {options} | {changed} |"
        )
    for code, rule in registry().items():
        lines += [
            "",
            f"## {code} {rule.name}",
            "",
            f"{rule.summary()}",
            "",
            f"Default severity: **{rule.severity}**.",
        ]
        if rule.options:
            lines.append(
                "Options: " + ", ".join(f"`{k}` = `{v}`" for k, v in rule.options.items()) + "."
            )
        for title, text in rule.sections().items():
            if title == "Failing example":
                body = "\n".join(
                    line[4:] if line.startswith("    ") else line for line in text.splitlines()
                )
                lines += ["", f"**{title}:**", "", "```yaml", body.strip(), "```"]
            else:
                lines += ["", f"**{title}:** {' '.join(text.split())}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(rules_markdown())
