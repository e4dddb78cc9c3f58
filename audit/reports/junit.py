"""JUnit XML: a test suite per menu, a test case per rule; failing findings fail it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from audit.run import MenuAudit


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
            found = [f for f in audit.findings if f.code == rule.code]
            failing = [f for f in found if f.severity in fail_on]
            if failing:
                failures += 1
                failure = ET.SubElement(
                    case, "failure", type=failing[0].severity, message=failing[0].message
                )
                failure.text = "\n".join(
                    f"{f.file}:{f.line}:{f.col}: {f.severity}: {f.message}" for f in failing
                )
            others = [f for f in found if f not in failing]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(
                    f"{f.file}:{f.line}:{f.col}: {f.severity}: {f.message}" for f in others
                )
        suite.set("failures", str(failures))
        suite.set("errors", "0")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
