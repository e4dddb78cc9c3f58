"""JUnit XML: a test suite per menu, a test case per rule; failing findings fail it.

A rule's findings are listed by root cause, most harm to callers first
(``audit.harm``); the failure's message is the most harmful failing cause.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from audit.harm import Cause
from audit.run import MenuAudit


def _line(cause: Cause) -> str:
    f = cause.first
    return f"{f.file}:{f.line}:{f.col}: {f.severity}: {cause.message} [{cause.harm.label}]"


def render(audits: list[MenuAudit], fail_on: frozenset[str] = frozenset({"error"})) -> str:
    """JUnit XML for CI systems."""
    suites = ET.Element("testsuites", name="ivr audit")
    for audit in audits:
        failures = 0
        suite = ET.SubElement(
            suites, "testsuite", name=audit.menu.path, tests=str(len(audit.rules))
        )
        for rule in audit.rules:
            case = ET.SubElement(
                suite, "testcase", classname=audit.menu.path, name=f"{rule.code} {rule.name}"
            )
            found = [c for c in audit.causes if c.code == rule.code]
            failing = [c for c in found if c.severity in fail_on]
            if failing:
                failures += 1
                failure = ET.SubElement(
                    case, "failure", type=failing[0].severity, message=failing[0].message
                )
                failure.text = "\n".join(_line(c) for c in failing)
            others = [c for c in found if c not in failing]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(_line(c) for c in others)
        suite.set("failures", str(failures))
        suite.set("errors", "0")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
