"""Amazon Connect contact flows: the flow language (``Version`` 2019-10-30), the legacy
``modules`` export, and the ``DescribeContactFlow`` answer (the flow as a string in
``ContactFlow.Content``).

Prompts (``MessageParticipant``, ``PlayPrompt``) become says, ``GetParticipantInput``
with key conditions a menu (an input when it stores the digits), a Lex bot
(``ConnectParticipantWithLexBot``, a legacy ``GetUserInput`` whose target is Lex) a menu
whose intents are spoken options, queues
(``TransferContactToQueue``; a ``QueueAtCapacity`` branch becomes a decision before
the queue), third-party transfers and disconnects keep their meaning. Code and checks
the importer cannot evaluate (Lambda, Compare, hours of operation, a Lex bot whose
intents the flow does not test, loops, metric checks) are ``decide`` nodes over their
branches; ``Update...``/``Set...``
blocks pass through as one-outcome decisions. ``TransferToFlow`` is a transfer to
another system (the other flow is not followed). ``$.External...`` and Terraform
``{{...}}``/``${...}`` references are kept as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError
from ivr.importers.flow import FlowBuilder, ImportedFlow, spoken_name
from ivr.importers.jsontext import Position, parse_json
from ivr.importers.shapes import as_dict, as_list, as_text, dicts, name_of
from ivr.menufile import SPOKEN_NAME
from ivr.speech import normalize

KEY = re.compile(r"^[0-9*#]{1,4}$")
INTENT_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[^\W\d_]+")  # CamelCase, snake_case
# {{contactFlows.NAME.arn}} (Terraform/CDK templates) or an ARN ending in the flow's id
FLOW_REFERENCE = re.compile(r"contactFlows\.([\w-]+)\.|contact-flow/([\w-]+)$")
SSML_TAG = re.compile(r"<[^>]+>")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f-]{27}$", re.I)
ENDS = ("DisconnectParticipant", "EndFlowExecution", "Disconnect", "EndFlowModuleExecution")
OPAQUE = {
    "InvokeLambdaFunction": "Lambda",
    "InvokeExternalResource": "Lambda",
    "Compare": "compare",
    "CheckAttribute": "compare",
    "CheckHoursOfOperation": "hours of operation",
    "CheckStaffing": "staffing check",
    "CheckMetricData": "queue metrics",
    "ConnectParticipantWithLexBot": "Lex bot",
    "Loop": "loop",
    "Wait": "wait",
    "InvokeFlowModule": "flow module",
    "DistributeByPercentage": "share of calls",
}
LEGACY_BOT_PARAMETERS = ("BotName", "BotAliasArn", "LexV2Bot")  # a legacy block's Lex bot
PASS_PREFIXES = ("Update", "Set", "Start", "Stop", "Resume", "Suspend", "Tag")


def import_flow(text: str, name: str) -> ImportedFlow:
    """The Amazon Connect flow in ``text`` (read from ``name``) as our menu."""
    data, positions = parse_json(text, name)
    title = None
    if isinstance(data, dict) and isinstance(data.get("ContactFlow"), dict):
        wrapper = data["ContactFlow"]
        title = as_text(wrapper.get("Name"))
        at = positions.get(("ContactFlow", "Content"), (1, 1))
        content = wrapper.get("Content")
        if not isinstance(content, str):
            raise MenuLoadError([MenuError(name, *at, "ContactFlow.Content must be the flow JSON")])
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            message = f"invalid JSON in ContactFlow.Content at character {exc.pos}: {exc.msg}"
            raise MenuLoadError([MenuError(name, *at, message)]) from exc
        positions = {(): at}  # every action is inside the one string
    if isinstance(data, dict) and isinstance(data.get("Actions"), list):
        return _ActionsReader(name, data, positions, title).read()
    if isinstance(data, dict) and isinstance(data.get("modules"), list):
        return _ModulesReader(name, data, positions, title).read()
    raise MenuLoadError(
        [MenuError(name, 1, 1, 'an Amazon Connect flow has "Actions" (or legacy "modules")')]
    )


class _Reader:
    """What both Connect layouts share: blocks by id, their positions, the builder."""

    list_key = "Actions"
    id_key = "Identifier"
    type_key = "Type"

    def __init__(
        self,
        name: str,
        data: dict[str, Any],
        positions: dict[tuple[str, ...], Position],
        title: str | None,
    ):
        self.flow = FlowBuilder(name, "connect")
        self.data = data
        self.title = title
        self.blocks: dict[str, dict[str, Any]] = {}
        self.at: dict[str, Position] = {}
        fallback = positions.get((), (1, 1))
        for index, block in enumerate(data[self.list_key]):
            at = positions.get((self.list_key, str(index)), fallback)
            block_id = block.get(self.id_key) if isinstance(block, dict) else None
            if not isinstance(block_id, str) or block_id in self.blocks:
                self.flow.warn(at, f"a block without a unique {self.id_key} is skipped")
                continue
            self.blocks[block_id] = block
            self.at[block_id] = at
            kind = str(block.get(self.type_key))
            self.flow.id(block_id, f"{kind}_{block_id[:8]}" if UUID.match(block_id) else None)

    def goto(self, target: Any, source: str) -> str:
        """The node id of block ``target``; the end of the call when there is none."""
        if not target or not isinstance(target, str):
            return self.flow.end()
        if target not in self.blocks:
            self.flow.warn(self.at[source], f'a branch goes to "{target}", which is no block')
            return self.flow.end()
        return self.flow.id(target)

    def finish(self, start: Any, default_title: str) -> ImportedFlow:
        """The flow, starting at block ``start``."""
        if isinstance(start, str) and start in self.blocks:
            start_id = self.flow.id(start)
        else:
            self.flow.warn((1, 1), f'the flow starts at "{start}", which is no block')
            start_id = self.flow.end()
        hotline = {"name": str(self.title or default_title), "apologies": False}
        header = ["Amazon Connect says no apologies of its own: the line says only its prompts."]
        return self.flow.build(start_id, hotline, header)

    def queue_node(self, block_id: str, kind: str) -> str:
        """The id of the queue behind a capacity check at ``block_id``."""
        label = f"{kind}_{block_id[:8]}" if UUID.match(block_id) else block_id
        return self.flow.id(f"{block_id}#queue", f"{label}_queue")

    def capacity_check(
        self,
        block_id: str,
        kind: str,
        queue: dict[str, Any],
        full: tuple[str, Any],
        at: tuple[int, int],
        note: str,
    ) -> dict[str, Any]:
        """A queue behind a capacity check: the queue node, and the decision at ``block_id``
        between it and the ``full`` branch (its label and target)."""
        self.queue_node(block_id, kind)
        queue_id = self.flow.add(f"{block_id}#queue", queue, at, note)
        label, target = full
        return {
            "decide": {
                "about": "the queue is at capacity",
                "var": self.flow.id(block_id),
                "outcomes": {"queue has room": queue_id, label: self.goto(target, block_id)},
            }
        }

    def decision(self, block_id: str, about: str, outcomes: list[tuple[str, Any]]) -> dict:
        named: dict[str, str] = {}
        for label, target in outcomes:
            named.setdefault(label, self.goto(target, block_id))
        if not named:
            named["done"] = self.flow.end()
        node_id = self.flow.id(block_id)
        return {"decide": {"about": about, "var": node_id, "outcomes": named}}

    def lex_bot(
        self, block_id: str, prompt: Any, conditions: list, unmatched: Any, failed: Any
    ) -> dict | None:
        """A Lex bot whose intents the flow tests (``conditions``: label, intents, target): a
        menu of spoken options, one per intent (its name's words are the phrases:
        ``CheckBalance`` is "check balance"); no intent matched goes to ``unmatched``
        (``on_invalid``), an error of the bot to ``failed`` (``on_timeout``; the bot asks
        again itself: no retries). None when the flow tests no intent a caller can say (the
        bot stays a decision). Both layouts use it."""
        said: dict[str, tuple[str, str, Any]] = {}  # each intent kept, by its words
        dropped = []
        for label, operands, target in conditions:
            for intent in operands:
                words = intent_words(intent)
                if words and normalize(words) not in said and not intent.startswith("$."):
                    said[normalize(words)] = (intent, words, target)
                else:
                    dropped.append(label)
        if not said:
            return None
        for label in dropped:
            self.flow.warn(
                self.at[block_id],
                f'the intent condition "{label}" names no intent a caller can say (or one an '
                "earlier condition has): its branch is not kept",
            )
        spoken: dict[str, dict[str, Any]] = {}
        for intent, words, target in said.values():
            fits = SPOKEN_NAME.match(intent) and intent not in spoken
            name = intent if fits else spoken_name(words, "intent", spoken)
            spoken[name] = {"say": [words], "goto": self.goto(target, block_id)}
        return {
            "menu": {
                "prompt": prompt or "",
                "retries": 0,
                "on_timeout": self.goto(failed, block_id),
                "on_invalid": self.goto(unmatched, block_id),
                "spoken": spoken,
                "input": "speech",
            }
        }


def _prompt(text: Any, ssml: Any, audio: Any) -> Any:
    if isinstance(text, str) and text and not text.startswith("$."):
        return text
    if isinstance(ssml, str) and ssml and not ssml.startswith("$."):
        return " ".join(SSML_TAG.sub(" ", ssml).split())
    reference = next((v for v in (audio, text, ssml) if isinstance(v, str) and v), None)
    return {"audio": reference} if reference else None


def _seconds(value: Any, default: float, low: float, high: float) -> float:
    try:
        return min(max(float(value), low), high)
    except (TypeError, ValueError):
        return default


def _lex_routes(nxt: Any, errors: list[tuple[str, Any]]) -> tuple[Any, Any]:
    """Where a flow-language Lex bot goes when no intent matches (``NoMatchingCondition``,
    else the default) and when the bot fails (``NoMatchingError``, else the same)."""
    by_error = dict(errors)
    unmatched = by_error.get("NoMatchingCondition") or nxt or by_error.get("NoMatchingError")
    return unmatched, by_error.get("NoMatchingError") or unmatched


class _ActionsReader(_Reader):
    """The flow language: ``Actions`` with ``Transitions`` (NextAction, Conditions, Errors)."""

    def read(self) -> ImportedFlow:
        feeds: dict[str, str] = {}  # action -> the UpdateContactTargetQueue just before it
        for block in self.blocks.values():
            if block.get("Type") == "UpdateContactTargetQueue":
                queue = as_text(as_dict(block.get("Parameters")).get("QueueId"))
                nxt = name_of(as_dict(block.get("Transitions")).get("NextAction"))
                if queue and nxt:
                    feeds[nxt] = queue
        for block_id, block in self.blocks.items():
            self.action(block_id, block, feeds.get(block_id))
        name = as_text(as_dict(self.data.get("Metadata")).get("name")) or "Amazon Connect flow"
        return self.finish(self.data.get("StartAction"), name)

    def action(self, block_id: str, block: dict[str, Any], queue: str | None) -> None:
        kind = str(block.get("Type"))
        params = as_dict(block.get("Parameters"))
        moves = as_dict(block.get("Transitions"))
        nxt = name_of(moves.get("NextAction"))
        errors = [
            (as_text(e.get("ErrorType")) or "error", name_of(e.get("NextAction")))
            for e in dicts(moves.get("Errors"))
        ]
        conditions = []
        for item in dicts(moves.get("Conditions")):
            condition = as_dict(item.get("Condition"))
            operands = [text for o in as_list(condition.get("Operands")) if (text := as_text(o))]
            label = " ".join([as_text(condition.get("Operator")) or "", *operands]).strip()
            conditions.append((label, operands, name_of(item.get("NextAction"))))
        at = self.at[block_id]
        note = f"Connect action {block_id} ({kind})"
        prompt = _prompt(
            params.get("Text"), params.get("SSML"), params.get("PromptId") or params.get("Media")
        )
        spec: dict[str, Any]
        if kind == "MessageParticipant":
            spec = {"say": prompt or "", "next": self.goto(nxt, block_id)}
        elif kind == "GetParticipantInput":
            spec = self.input(block_id, params, prompt, nxt, errors, conditions)
        elif kind == "ConnectParticipantWithLexBot" and (
            lex := self.lex_bot(block_id, prompt, conditions, *_lex_routes(nxt, errors))
        ):
            spec = lex
        elif kind in ENDS:
            spec = {"hangup": {}}
        elif kind == "TransferContactToQueue":
            queue_node = {"queue": {"name": queue or "the flow's working queue"}}
            full = [target for error, target in errors if error == "QueueAtCapacity"]
            if full:
                spec = self.capacity_check(
                    block_id, kind, queue_node, ("QueueAtCapacity", full[0]), at, note
                )
            else:
                spec = queue_node
        elif kind == "TransferParticipantToThirdParty":
            spec = {
                "transfer": {
                    "to": str(params.get("ThirdPartyPhoneNumber") or "a third party"),
                    "human": True,
                    "ring": _seconds(params.get("ThirdPartyConnectionTimeLimitSeconds"), 0, 0, 600),
                }
            }
        elif kind == "TransferToFlow":
            spec = self.transfer_to_flow(
                block_id, str(params.get("ContactFlowId") or ""), errors, nxt
            )
        elif kind in OPAQUE or kind.startswith(PASS_PREFIXES):
            about = f"{OPAQUE.get(kind, kind)} {_detail(params)}".strip()
            outcomes = [(label, target) for label, _, target in conditions]
            outcomes += (
                [("next", nxt)]
                if kind.startswith(PASS_PREFIXES)
                else [("success", nxt)]
                if nxt
                else []
            )
            outcomes += errors
            spec = self.decision(block_id, about, outcomes)
        else:
            self.flow.warn(
                at, f'action type "{kind}" is not understood: kept as a decision over its branches'
            )
            outcomes = (
                [(label, target) for label, _, target in conditions] + [("next", nxt)] + errors
            )
            spec = self.decision(block_id, f"Connect {kind}", [(k, t) for k, t in outcomes if t])
        self.flow.add(block_id, spec, at, note)

    def transfer_to_flow(self, block_id: str, flow_id: str, errors: list, nxt: Any) -> dict:
        """A transfer to another flow: followed into its export in this folder when there is
        one (by file name, or the Name, Id or ARN of a DescribeContactFlow answer)."""
        failed = next((target for _, target in errors if target), nxt)
        other = sibling_flow(Path(self.flow.path), flow_id)
        if other is not None:
            outcomes = {"transferred": f"{other}#"}
            if failed:
                outcomes["the transfer fails"] = self.goto(failed, block_id)
            about = f"transfer to flow {flow_id}"
            return {"decide": {"about": about, "var": self.flow.id(block_id), "outcomes": outcomes}}
        self.flow.warn(
            self.at[block_id],
            f"TransferToFlow {flow_id or '(no flow)'} is not followed (no export of that flow in "
            "this folder): kept as a transfer to another system",
        )
        spec: dict[str, Any] = {"transfer": {"to": f"flow {flow_id}", "human": False}}
        if failed:  # the flow goes on here only when the transfer fails
            spec["transfer"]["on_no_answer"] = self.goto(failed, block_id)
        return spec

    def input(
        self, block_id: str, params: dict, prompt: Any, nxt: Any, errors: list, conditions: list
    ) -> dict:
        by_error = dict(errors)
        fallback = by_error.get("NoMatchingError")
        settings: dict[str, Any] = {
            "prompt": prompt or "",
            "timeout": _seconds(params.get("InputTimeLimitSeconds"), 5, 1, 60),
            "retries": 0,
            "on_timeout": self.goto(by_error.get("InputTimeLimitExceeded") or fallback, block_id),
        }
        if str(params.get("StoreInput")).lower() == "true":
            validation = as_dict(as_dict(params.get("InputValidation")).get("CustomValidation"))
            maximum = int(_seconds(validation.get("MaximumLength"), 20, 1, 128))
            return {
                "input": {
                    **settings,
                    "var": self.flow.id(block_id),
                    "digits": {"min": 1, "max": maximum},
                    "on_invalid": self.goto(fallback, block_id),
                    "next": self.goto(nxt, block_id),
                }
            }
        options: dict[str, str] = {}
        for label, operands, target in conditions:
            for operand in operands:
                if KEY.match(str(operand)):
                    options.setdefault(str(operand), self.goto(target, block_id))
                else:
                    self.flow.warn(
                        self.at[block_id],
                        f'the condition "{label}" is not a key: its branch is not kept',
                    )
        settings["on_invalid"] = self.goto(
            by_error.get("NoMatchingCondition") or fallback, block_id
        )
        if not options:
            self.flow.warn(self.at[block_id], "an input with no key conditions: kept as an input")
            return {
                "input": {
                    **settings,
                    "var": self.flow.id(block_id),
                    "next": self.goto(nxt, block_id),
                }
            }
        return {"menu": {**settings, "options": options, "input": "dtmf"}}


def intent_words(intent: str) -> str:
    """The words of a Lex intent's name, as a caller would say them.

    >>> intent_words("CheckBalance"), intent_words("speak_to_AGENT"), intent_words("Order2Pizzas")
    ('check balance', 'speak to agent', 'order 2 pizzas')
    """
    return " ".join(word.lower() for word in INTENT_WORD.findall(intent))


def sibling_flow(path: Path, flow_id: str) -> str | None:
    """The file name, in ``path``'s folder, of the Connect flow ``flow_id`` names
    (``{{contactFlows.NAME.arn}}``, an ARN ending in the flow's id, or a name); None if none."""
    named = FLOW_REFERENCE.search(flow_id)
    wanted = next((group for group in named.groups() if group), flow_id) if named else flow_id
    if not wanted or wanted.startswith("$."):
        return None  # a contact attribute: decided while the call runs
    for candidate in sorted(path.parent.glob("*.json")):
        if candidate.name == path.name:
            continue
        if candidate.stem == wanted or wanted in _described_names(candidate):
            return candidate.name
    return None


def _described_names(path: Path) -> set[str]:
    """Name, Id and ARN of a DescribeContactFlow answer saved in ``path`` (empty otherwise)."""
    try:
        if path.stat().st_size > 16_000_000:
            return set()
        text = path.read_text(encoding="utf-8")
        if '"ContactFlow"' not in text:
            return set()
        wrapper = json.loads(text).get("ContactFlow") or {}
    except (OSError, ValueError, AttributeError):
        return set()
    return {str(wrapper[key]) for key in ("Name", "Id", "Arn") if wrapper.get(key)}


def _detail(params: dict[str, Any]) -> str:
    for key in (
        "LambdaFunctionARN",
        "ComparisonValue",
        "HoursOfOperationId",
        "LexV2Bot",
        "LexBot",
        "FlowModuleId",
        "QueueId",
        "LoopCount",
    ):
        if params.get(key):
            value = params[key]
            return json.dumps(value) if isinstance(value, dict) else str(value)
    return ""


class _ModulesReader(_Reader):
    """The legacy export: ``modules`` with ``branches`` and ``parameters``."""

    list_key = "modules"
    id_key = "id"
    type_key = "type"

    def read(self) -> ImportedFlow:
        for block_id, block in self.blocks.items():
            self.module(block_id, block)
        name = as_text(as_dict(self.data.get("metadata")).get("name")) or "Amazon Connect flow"
        return self.finish(self.data.get("start"), name)

    def module(self, block_id: str, block: dict[str, Any]) -> None:
        kind = str(block.get("type"))
        params = {str(p.get("name")): p for p in dicts(block.get("parameters"))}
        branches = [
            {**b, "transition": name_of(b.get("transition"))} for b in dicts(block.get("branches"))
        ]
        by_condition = {str(b.get("condition")): b["transition"] for b in branches}
        text = (params.get("Text") or {}).get("value")
        audio = (params.get("AudioPrompt") or {}).get("resourceName") or (
            params.get("AudioPrompt") or {}
        ).get("value")
        prompt = _prompt(text, None, audio)
        at = self.at[block_id]
        note = f"Connect block {block_id} ({kind})"
        spec: dict[str, Any]
        if kind == "PlayPrompt":
            spec = {"say": prompt or "", "next": self.goto(by_condition.get("Success"), block_id)}
        elif kind in ENDS:
            spec = {"hangup": {}}
        elif kind == "GetUserInput" and _asks_lex(block, params):
            intents = [
                (_branch_label(b), [str(b.get("conditionValue") or "")], b["transition"])
                for b in branches
                if b.get("condition") == "Evaluate"
            ]
            unmatched = by_condition.get("NoMatch") or by_condition.get("Error")
            spec = self.lex_bot(
                block_id, prompt, intents, unmatched, by_condition.get("Error") or unmatched
            ) or self.decision(
                block_id,
                f"Lex bot {_bot_name(params)}".strip(),
                [(_branch_label(b), b.get("transition")) for b in branches],
            )
        elif kind in ("GetUserInput", "StoreUserInput"):
            settings: dict[str, Any] = {
                "prompt": prompt or "",
                "timeout": _seconds((params.get("Timeout") or {}).get("value"), 5, 1, 60),
                "retries": 0,
                "on_timeout": self.goto(
                    by_condition.get("Timeout") or by_condition.get("Error"), block_id
                ),
                "on_invalid": self.goto(
                    by_condition.get("NoMatch") or by_condition.get("Error"), block_id
                ),
            }
            options = {
                str(b.get("conditionValue")): self.goto(b.get("transition"), block_id)
                for b in branches
                if b.get("condition") == "Evaluate" and KEY.match(str(b.get("conditionValue")))
            }
            if kind == "GetUserInput" and options:
                spec = {"menu": {**settings, "options": options, "input": "dtmf"}}
            else:
                maximum = int(_seconds((params.get("MaxDigits") or {}).get("value"), 20, 1, 128))
                spec = {
                    "input": {
                        **settings,
                        "var": self.flow.id(block_id),
                        "digits": {"min": 1, "max": maximum},
                        "next": self.goto(by_condition.get("Success"), block_id),
                    }
                }
        elif kind == "Transfer" and block.get("target") == "Queue":
            spec = {"queue": {"name": "the flow's working queue"}}
            if by_condition.get("AtCapacity"):
                full_branch = ("AtCapacity", by_condition["AtCapacity"])
                spec = self.capacity_check(block_id, kind, spec, full_branch, at, note)
        else:
            known = kind.startswith(PASS_PREFIXES) or kind in OPAQUE
            if not known:
                self.flow.warn(
                    at,
                    f'block type "{kind}" is not understood: kept as a decision over its branches',
                )
            about = OPAQUE.get(kind, kind)
            if block.get("target") and block["target"] != about:
                about += f" ({block['target']})"
            outcomes = [(_branch_label(b), b.get("transition")) for b in branches]
            spec = self.decision(block_id, about, outcomes)
        self.flow.add(block_id, spec, at, note)


def _branch_label(branch: dict[str, Any]) -> str:
    """A legacy branch as words: ``Evaluate Equals CheckBalance``, ``NoMatch``."""
    parts = (branch.get("condition"), branch.get("conditionType"), branch.get("conditionValue"))
    return " ".join(str(part) for part in parts if part)


def _asks_lex(block: dict[str, Any], params: dict[str, dict[str, Any]]) -> bool:
    """Whether a legacy ``GetUserInput`` block hands the caller to a Lex bot (its
    ``target`` is ``Lex``, or it names a bot) rather than reading keys."""
    return block.get("target") == "Lex" or any(name in params for name in LEGACY_BOT_PARAMETERS)


def _bot_name(params: dict[str, dict[str, Any]]) -> str:
    """The bot a legacy block names (its name, else its alias ARN), or ""."""
    for name in LEGACY_BOT_PARAMETERS:
        value = (params.get(name) or {}).get("value")
        if value:
            return json.dumps(value) if isinstance(value, dict) else str(value)
    return ""
