"""Running scenarios: on the call engine (offline, fast) or against a live TwiML webhook.

A failed scenario says which step failed, what was expected, what was heard
and where the call went instead. Over HTTP the caller is ``ivr.twiml_caller``:
the webhook decides the time of the call, so a scenario's ``at`` is for the
engine only (``ivr test --via --at TIME`` runs the scenarios of one call time).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ivr.engine import Call, CallOver
from ivr.model import Menu
from ivr.pathtests.scenario import Expect, Scenario
from ivr.schedule import local_time
from ivr.twiml_caller import CallerEvent, CallResult, TwimlCaller
from ivr.walks import play, said_since_last_event

VIA_EVENTS = {"press": "press", "say": "say", "silence": "silence", "hangup": "hangup"}


@dataclass(frozen=True)
class ScenarioResult:
    """How one scenario went: passed, or the failure in words; where the call ended."""

    scenario: Scenario
    failure: str | None
    end: str
    node: str | None
    seconds: float

    @property
    def passed(self) -> bool:
        """True when every step and the expected end held."""
        return self.failure is None


def _short(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _hear_failure(index: int, scenario: Scenario, heard: str, where: str) -> str | None:
    step = scenario.steps[index]
    if step.hear is None or step.hear.matches(heard):
        return None
    return (
        f"step {index + 1} ({step.action.describe()}): expected the line to say something that "
        f'{step.hear.describe()}, heard "{_short(heard) or "nothing"}" {where}'
    )


def _end_failure(
    expect: Expect,
    end: str,
    reached_node: bool,
    path: Sequence[str],
    seconds: float,
    error: str = "",
) -> str | None:
    """What is wrong with how the call ended (None: it ended as expected).

    ``end`` may be ``human-or-system`` (an HTTP ``<Dial>``: either is accepted);
    ``reached_node`` says whether the call got to the expected node.
    """
    accepted = {"human", "system"} if end == "human-or-system" else {end}
    went = f" (path {' > '.join(path)})" if path else ""
    went += f" ({error})" if error else ""
    if expect.end not in accepted:
        target = f' "{expect.node}"' if expect.node else ""
        return f"expected the call to end at {expect.end}{target}; it ended: {end}{went}"
    if expect.node and not reached_node:
        return f'expected the call to end at "{expect.node}"; it did not{went}'
    if expect.within is not None and seconds > expect.within:
        return f"expected the call to take at most {expect.within:g} s; it took {seconds:.1f} s"
    return None


def run_on_engine(scenario: Scenario, menu: Menu) -> ScenarioResult:
    """Play ``scenario`` on the call engine."""
    zone = menu.hotline.timezone
    at = local_time(scenario.at, zone) if scenario.at else datetime.now(ZoneInfo(zone))
    call = Call(menu, at=at)
    call.start()
    for index, step in enumerate(scenario.steps):
        where = f'at "{call.node}"'
        failure = _hear_failure(index, scenario, said_since_last_event(call.transcript), where)
        if failure:
            return ScenarioResult(scenario, failure, "waiting", call.node, call.elapsed)
        try:
            play(call, step.action)
        except CallOver:
            outcome = call.outcome
            ended = outcome.describe() if outcome else "ended"
            failure = f"step {index + 1} ({step.action.describe()}): the call had {ended}"
            return ScenarioResult(
                scenario, failure, outcome.kind if outcome else "", call.node, call.elapsed
            )
    outcome = call.outcome
    end, node = (outcome.kind, outcome.node) if outcome else ("waiting", call.node)
    seconds = outcome.seconds if outcome else call.elapsed
    failure = _end_failure(scenario.expect, end, node == scenario.expect.node, call.path, seconds)
    return ScenarioResult(scenario, failure, end, node, seconds)


def via_end(result: CallResult) -> str:
    """Where an HTTP call ended, in the scenario's words (a ``<Dial>`` may be a person or
    another system: ``human-or-system``). A request that failed (an HTTP error, an answer
    that is not TwiML) is a hang-up: Twilio says an application error occurred and hangs up."""
    if result.reached and result.reached.startswith("queue:"):
        return "human"
    if result.reached:
        return "human-or-system"
    if result.recorded:
        return "voicemail"
    if result.end in ("hangup", "silent-end") or result.failed:
        return "hangup"
    return result.end


def run_via(scenario: Scenario, url: str, *, auth_token: str | None = None) -> ScenarioResult:
    """Play ``scenario`` against the TwiML webhook at ``url``, as Twilio would."""
    events = [
        CallerEvent(VIA_EVENTS[step.action.kind], step.action.value) for step in scenario.steps
    ]
    result = TwimlCaller(url, auth_token=auth_token).call(events)
    seconds = result.seconds_to_person if result.seconds_to_person is not None else result.seconds
    node = result.path[-1] if result.path else None
    end = via_end(result)
    for index, heard in enumerate(result.heard):
        failure = _hear_failure(index, scenario, heard, f"(request {result.urls[-1]})")
        if failure:
            return ScenarioResult(scenario, failure, end, node, seconds)
    if len(result.heard) < len(scenario.steps):
        step = scenario.steps[len(result.heard)]
        why = result.error or f"ended: {result.end}"
        failure = f"step {len(result.heard) + 1} ({step.action.describe()}): the call had {why}"
        return ScenarioResult(scenario, failure, end, node, seconds)
    # Over HTTP only our own webhook names its nodes (X-IVR-Path): the node must be on the path.
    reached_node = not result.path or scenario.expect.node in result.path
    failure = _end_failure(scenario.expect, end, reached_node, result.path, seconds, result.error)
    return ScenarioResult(scenario, failure, end, node, seconds)


def run_all(
    scenarios: Sequence[Scenario], run: Callable[[Scenario], ScenarioResult], jobs: int = 1
) -> list[ScenarioResult]:
    """Every scenario, ``jobs`` at a time, results in the scenarios' order."""
    if jobs <= 1:
        return [run(scenario) for scenario in scenarios]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run, scenarios))


def junit(results: Sequence[ScenarioResult], suite: str) -> str:
    """The results as a JUnit XML report (one testcase per scenario)."""
    failures = sum(not r.passed for r in results)
    root = ET.Element(
        "testsuite",
        name=suite,
        tests=str(len(results)),
        failures=str(failures),
        time=f"{sum(r.seconds for r in results):.1f}",
    )
    for result in results:
        case = ET.SubElement(
            root,
            "testcase",
            name=result.scenario.name,
            classname=suite,
            time=f"{result.seconds:.1f}",
        )
        if result.failure:
            failure = ET.SubElement(case, "failure", message=result.failure)
            failure.text = result.failure
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
