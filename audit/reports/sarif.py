"""SARIF 2.1.0: the findings as results, the rules with their documentation.

One result per root cause (``audit.harm``), with a location per place, most
harm to callers first; ``properties.harm`` is the JSON report's harm object.
"""

from __future__ import annotations

import json

from audit.rules.base import Rule
from audit.run import MenuAudit

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": type(rule).summary()},
        "fullDescription": {"text": type(rule).sections().get("What", type(rule).summary())},
        "help": {"text": type(rule).doc()},
        "defaultConfiguration": {"level": LEVELS[rule.level]},
        "properties": {"options": rule.settings},
    }


def render(
    audits: list[MenuAudit],
    fail_on: frozenset[str] = frozenset({"error"}),  # noqa: ARG001 - the Renderer signature
) -> str:
    """A SARIF 2.1.0 log with one run."""
    rules: dict[str, Rule] = {}
    for audit in audits:
        for rule in audit.rules:
            rules.setdefault(rule.code, rule)
    index = {code: i for i, code in enumerate(rules)}
    results = [
        {
            "ruleId": cause.code,
            "ruleIndex": index[cause.code],
            "level": LEVELS[cause.severity],
            "message": {"text": cause.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file},
                        "region": {"startLine": f.line, "startColumn": f.col},
                    },
                    "logicalLocations": [{"name": f.node, "kind": "member"}],
                }
                for f in cause.findings
            ],
            "properties": {"harm": cause.harm.as_dict()},
        }
        for audit in audits
        for cause in audit.causes
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "ivr audit", "rules": [_rule(r) for r in rules.values()]}
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
