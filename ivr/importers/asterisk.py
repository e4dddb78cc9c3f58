"""Asterisk dialplans (``extensions.conf``).

A call enters the first context that has an ``s`` extension (the channel's context is
set outside this file) and runs its priorities in order. ``Background`` (then
``WaitExten``) is a menu whose options are the context's extensions, those of the
contexts it includes among them; the ``t`` extension is where silence goes and ``i``
where a wrong key goes (without them Asterisk hangs up). ``Read`` collects digits: a
menu when ``GotoIf``s right after it test the variable against literal keys. ``Goto``
and ``Gosub``/``Return`` within the file are followed; ``GotoIf`` is a decision over its
two labels; ``GotoIfTime`` and time-limited ``include``s are branches on schedules of
the hotline. ``Dial`` reaches a person, ``Queue`` a queue of people, ``VoiceMail`` and
``Record`` record, ``Hangup``/``Busy``/``Congestion`` end the call, ``Playback`` and
``Say*`` speak. ``AGI`` and ``Gosub``/``Macro`` into contexts that are not in the file are
decisions; any other application is a decision with a warning. Extension patterns
(``_2XXX``, ``_1NXX``, ranges) are digit pattern options (``2XXX``); ``.`` and ``!``
(any number of digits) become the nearest fixed length, ``_9.`` the pattern ``9X``,
with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError
from ivr.importers.flow import FlowBuilder, ImportedFlow
from ivr.keypatterns import PatternError, is_pattern
from ivr.keypatterns import parse as parse_pattern
from ivr.schedule import Schedule, ScheduleError

Position = tuple[int, int]
SPECIAL = {"s", "t", "i", "h", "o", "a", "e", "T", "fax", "talk"}
QUIET = {
    "answer",
    "noop",
    "set",
    "mset",
    "verbose",
    "log",
    "ringing",
    "progress",
    "wait",
    "setmusiconhold",
    "setlanguage",
    "setcallerpres",
    "waitforsilence",
}
HANGUPS = {"hangup": "", "busy": "busy tone", "congestion": "congestion tone"}
SAYS = {"saydigits", "saynumber", "sayalpha", "sayphonetic", "sayunixtime"}
DEFAULT_RESPONSE_TIMEOUT = 10.0  # Asterisk's TIMEOUT(response)
LINE = re.compile(r"^\s*(exten|same|include|switch|ignorepat)\s*=>?\s*(.*)$", re.I)
CONTEXT = re.compile(r"^\s*\[([^\]]+)\]\s*(\(.*\))?\s*$")
APP = re.compile(r"^\s*([A-Za-z_][\w]*)\s*(?:\((.*)\))?\s*$", re.S)
PRIORITY = re.compile(r"^\s*(\d+|n(?:\+\d+)?|hint)\s*(?:\((\w+)\))?\s*$", re.I)
READ_TEST = r"""^\$\[\s*"?\$\{%s\}"?\s*=\s*"?([0-9*#]{1,4})"?\s*\]$"""
SOUND_PREFIX = re.compile(r"^(?:vm|demo|custom|ivr|queue|agent|conf)-")


@dataclass
class _Step:
    priority: int
    label: str | None
    app: str
    args: str
    at: Position


@dataclass
class _Context:
    name: str
    at: Position
    extensions: dict[str, list[_Step]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    includes: list[tuple[str, str | None, Position]] = field(default_factory=list)


Where = tuple[str, str, int, str | None]  # context, extension, step index, return point


def import_flow(text: str, name: str) -> ImportedFlow:
    """The dialplan in ``text`` (read from ``name``) as our menu."""
    parser = _Parser(name)
    contexts = parser.parse(text)
    return _Dialplan(name, contexts, parser.warnings, parser.globals).read()


class _Parser:
    """extensions.conf lines into contexts of extensions of steps, with positions."""

    def __init__(self, name: str):
        self.name = name
        self.errors: list[MenuError] = []
        self.warnings: list[MenuError] = []
        self.globals: dict[str, str] = {}

    def error(self, at: Position, message: str) -> None:
        self.errors.append(MenuError(self.name, at[0], at[1], message))

    def warn(self, at: Position, message: str) -> None:
        self.warnings.append(MenuError(self.name, at[0], at[1], message, "warning"))

    def parse(self, text: str) -> dict[str, _Context]:
        """The contexts of the file; all malformed lines are reported at once."""
        self.contexts: dict[str, _Context] = {}
        self.current: _Context | None = None
        self.section = ""
        self.last_ext: str | None = None
        in_block = False
        for number, raw in enumerate(text.splitlines(), start=1):
            line, in_block = _strip_comment(raw, in_block)
            if line.strip():
                self._line(line, number)
        if not self.contexts and not self.errors:
            self.error((1, 1), "no dialplan context ([name] with exten => lines) in this file")
        if self.errors:
            raise MenuLoadError(self.errors)
        return self.contexts

    def _line(self, line: str, number: int) -> None:
        at = (number, len(line) - len(line.lstrip()) + 1)
        if line.lstrip().startswith("#"):
            self.warn(at, f"{line.strip().split()[0]} is not followed: its lines are not read")
            return
        header = CONTEXT.match(line)
        if header:
            self._header(header, at)
            return
        if line.lstrip().startswith("["):
            self.error(at, 'a context header is "[name]"; this one is not closed')
            return
        if self.section.lower() == "globals":
            key, _, value = line.partition("=")
            self.globals[key.strip()] = value.strip()
            return
        if self.section.lower() == "general":
            return
        match = LINE.match(line)
        if not match:
            self.warn(at, f'"{line.strip()}" is not understood: skipped')
            return
        if self.current is None:
            self.error(at, f"{match.group(1)} before any [context]")
            return
        keyword, value = match.group(1).lower(), match.group(2)
        if keyword == "include":
            self._include(self.current, value, at)
        elif keyword in ("switch", "ignorepat"):
            self.warn(at, f"{keyword} => {value.strip()} is not followed")
        else:
            value_at = (number, line.index(value) + 1 if value else at[1])
            self.last_ext = self._exten(self.current, keyword, value, self.last_ext, value_at)

    def _header(self, header: re.Match[str], at: Position) -> None:
        self.section = header.group(1).strip()
        self.last_ext = None
        if header.group(2):
            self.warn(at, f"template options {header.group(2)} of [{self.section}] are ignored")
        if self.section.lower() in ("general", "globals"):
            self.current = None
        else:
            self.current = self.contexts.setdefault(self.section, _Context(self.section, at))

    def _include(self, context: _Context, value: str, at: Position) -> None:
        name, _, times = value.replace("|", ",").partition(",")
        context.includes.append((name.strip(), times.strip() or None, at))

    def _exten(
        self, context: _Context, keyword: str, value: str, last: str | None, at: Position
    ) -> str | None:
        if keyword == "same":
            if last is None:
                self.error(at, "same => with no exten => before it in this context")
                return None
            extension, rest = last, value
        else:
            extension, _, rest = value.partition(",")
            extension = extension.strip().split("/")[0]
            if not extension:
                self.error(at, "exten => needs an extension, a priority and an application")
                return last
        priority_text, _, command = rest.partition(",")
        priority_match = PRIORITY.match(priority_text)
        app_match = APP.match(command)
        if not priority_match or not app_match:
            what = "priority" if not priority_match else "application"
            self.error(
                at,
                f'{keyword} => {value.strip()}: expected "extension,priority,App(args)"'
                f" (the {what} is missing or malformed)",
            )
            return extension
        if priority_match.group(1).lower() == "hint":
            return extension
        steps = context.extensions.setdefault(extension, [])
        if extension not in context.order:
            context.order.append(extension)
        text = priority_match.group(1).lower()
        if text.startswith("n"):
            priority = (steps[-1].priority if steps else 0) + 1 + int(text[2:] or 0)
        else:
            priority = int(text)
        if any(step.priority == priority for step in steps):
            self.warn(at, f"priority {priority} of {extension} is given twice; the first is kept")
            return extension
        app, args = app_match.group(1), app_match.group(2) or ""
        steps.append(_Step(priority, priority_match.group(2), app, args, at))
        steps.sort(key=lambda step: step.priority)
        return extension


def _strip_comment(line: str, in_block: bool) -> tuple[str, bool]:
    """The line without comments (``;`` to the end, ``;-- --;`` blocks; ``\\;`` kept),
    blanked rather than cut so that columns stay true."""
    out: list[str] = []
    index = 0
    while index < len(line):
        if in_block:
            end = line.find("--;", index)
            if end < 0:
                return "".join(out), True
            out.append(" " * (end + 3 - index))
            index, in_block = end + 3, False
            continue
        char = line[index]
        if char == "\\" and line[index + 1 : index + 2] == ";":
            out.append(";")
            index += 2
            continue
        if char == ";":
            if line.startswith(";--", index):
                in_block = True
                out.append("   ")
                index += 3
                continue
            break
        out.append(char)
        index += 1
    return "".join(out), in_block


class _Dialplan:
    def __init__(
        self,
        name: str,
        contexts: dict[str, _Context],
        warnings: list[MenuError],
        globals_: dict[str, str],
    ):
        self.flow = FlowBuilder(name, "asterisk")
        self.flow.warnings.extend(warnings)
        self.contexts = contexts
        self.globals = globals_
        self.pending: list[Where] = []
        self.hours: dict[str, dict[str, str]] = {}
        self.warned: set[tuple[Position, str]] = set()
        for context in contexts.values():
            for include, _, at in context.includes:
                if include not in contexts:
                    self.warn(
                        at, f"[{context.name}] includes [{include}], which is not in this file"
                    )

    def warn(self, at: Position, message: str) -> None:
        if (at, message) not in self.warned:
            self.warned.add((at, message))
            self.flow.warn(at, message)

    def _entry(self) -> _Context:
        """Where calls come in: the first context with an ``s`` extension that no other
        context includes, jumps to or calls (the first context when none is)."""
        named = " ".join(
            [include for ctx in self.contexts.values() for include, _, _ in ctx.includes]
            + [
                step.args.replace("(", ",") if step.app.lower() != "macro" else f"macro-{step.args}"
                for ctx in self.contexts.values()
                for steps in ctx.extensions.values()
                for step in steps
                if step.app.lower() in ("goto", "gotoif", "gotoiftime", "gosub", "macro")
            ]
        )
        referred = set(re.findall(r"[\w.-]+", named))
        with_s = [c for c in self.contexts.values() if any(self._find(c.name, "s"))]
        return next(
            (c for c in with_s if c.name not in referred and not c.name.startswith("macro-")),
            next(iter(with_s or self.contexts.values())),
        )

    def read(self) -> ImportedFlow:
        entry = self._entry()
        first = "s" if any(self._find(entry.name, "s")) else (entry.order or ["s"])[0]
        start = self._enter(entry.name, first, "1", None, entry.at)
        while self.pending:
            self._compile(self.pending.pop(0))
        self.flow.drop_unused_end(start)
        sources = self.flow.sources  # nodes in the order of the file
        order = sorted(self.flow.nodes, key=lambda n: (sources[n].line, sources[n].col))
        self.flow.nodes = {node_id: self.flow.nodes[node_id] for node_id in order}
        hotline: dict[str, Any] = {
            "name": f"Asterisk dialplan {Path(self.flow.path).name}",
            "apologies": False,
        }
        if self.hours:
            hotline["hours"] = self.hours
        header = [
            f"The call starts at {first},1 of [{entry.name}] (the channel names the context; "
            "that is not in this file).",
            "Asterisk says nothing of its own on a wrong key or silence: only the dialplan's "
            "words are kept (apologies: false).",
        ]
        return self.flow.build(start, hotline, header)

    # -- finding extensions -------------------------------------------------------------
    def _find(
        self, context: str, extension: str, seen: frozenset[str] = frozenset()
    ) -> tuple[tuple[str, str] | None, list[tuple[str, str, Position]]]:
        """Where ``extension`` of ``context`` is defined: (context, extension name) without
        a time limit, and the time-limited includes that define it first, in order."""
        ctx = self.contexts.get(context)
        if ctx is None or context in seen:
            return None, []
        for name in ctx.order:  # literal extensions first, then patterns
            if name == extension:
                return (context, name), []
        for name in ctx.order:
            if name.startswith("_") and _pattern(name).fullmatch(extension):
                return (context, name), []
        timed: list[tuple[str, str, Position]] = []
        for include, times, at in ctx.includes:
            found, inner = self._find(include, extension, seen | {context})
            if found is None and not inner:
                continue
            if times is None:
                if found is not None:
                    return found, timed + inner
                timed += inner
            elif found is not None:
                timed.append((f"{found[0]}\0{found[1]}", times, at))
        return None, timed

    def _steps(self, context: str, extension: str) -> list[_Step]:
        return self.contexts[context].extensions[extension]

    def _enter(
        self, context: str, extension: str, priority: str, ret: str | None, at: Position
    ) -> str:
        """The node a call reaches going to ``context,extension,priority``."""
        found, timed = self._find(context, extension)
        if found is None and not timed:
            self.warn(at, f"{context},{extension},{priority} is not in the dialplan: the call ends")
            return self.flow.end()
        otherwise = (
            self._priority(found[0], found[1], priority, ret, at)
            if found is not None
            else self._missing(context, at)
        )
        if not timed:
            return otherwise
        rules = []
        for target, times, include_at in timed:
            inner_context, inner_extension = target.split("\0")
            schedule = self._schedule(times, include_at)
            goto = self._priority(inner_context, inner_extension, priority, ret, at)
            if schedule is None:
                continue
            rules.append({"when": {"hours": schedule}, "goto": goto})
        if not rules:
            return otherwise
        name = f"{context}/{extension}/include"
        self.flow.id(
            name, f"{context}_hours" if extension == "s" else f"{context}_{extension}_hours"
        )
        spec = {"branch": [*rules, {"goto": otherwise}]}
        note = f"[{context}] includes with times: which context answers {extension}"
        return self.flow.add(name, spec, self.contexts[context].at, note)

    def _missing(self, context: str, at: Position) -> str:
        """Where a call goes when no context answers at this hour: ``i``, or the end."""
        found, _ = self._find(context, "i")
        if found is not None:
            return self._priority(found[0], found[1], "1", None, at)
        return self.flow.end()

    def _priority(
        self, context: str, extension: str, priority: str, ret: str | None, at: Position
    ) -> str:
        steps = self._steps(context, extension)
        priority = priority.strip()
        if priority.isdigit():
            index = next((i for i, s in enumerate(steps) if s.priority == int(priority)), None)
        else:
            index = next((i for i, s in enumerate(steps) if s.label == priority), None)
        if index is None:
            self.warn(at, f"{context},{extension} has no priority {priority}: the call ends")
            return self.flow.end()
        return self._node((context, extension, index, ret), at)

    def _node(self, where: Where, at: Position, hops: int = 0) -> str:
        """The node of the step at ``where``: steps with nothing for the caller are passed,
        a Goto is followed, the end of an extension hangs up (Asterisk's autofallthrough)."""
        context, extension, index, ret = where
        steps = self._steps(context, extension)
        if hops > 200:
            self.warn(at, f"[{context}] {extension} loops without a word to the caller")
            return self.flow.end()
        while index < len(steps) and steps[index].app.lower() in QUIET:
            index += 1
        if index >= len(steps):
            return self.flow.end()
        step = steps[index]
        if step.app.lower() == "goto" and "$" not in step.args:
            target = self._jump(context, extension, step.args, step.at)
            if target is None:
                return self.flow.end()
            found, timed = self._find(target[0], target[1])
            if found is not None and not timed:
                jumped = self._index(found[0], found[1], target[2])
                if jumped is not None:
                    return self._node((found[0], found[1], jumped, ret), step.at, hops + 1)
            return self._enter(target[0], target[1], target[2], ret, step.at)
        key = f"{context}/{extension}/{step.priority}" + (f"@{ret}" if ret else "")
        if key not in self.flow.ids:
            label = context if extension == "s" and index == 0 else f"{context}_{extension}"
            if index:
                label += f"_{step.label or step.priority}"
            self.flow.id(key, label)
            self.flow.add(key, {}, step.at, "")  # reserved: compiled from the queue
            self.pending.append((context, extension, index, ret))
        return self.flow.id(key)

    def _index(self, context: str, extension: str, priority: str) -> int | None:
        steps = self._steps(context, extension)
        for index, step in enumerate(steps):
            if str(step.priority) == priority.strip() or step.label == priority.strip():
                return index
        return None

    def _jump(
        self, context: str, extension: str, spec: str, at: Position
    ) -> tuple[str, str, str] | None:
        """``[[context,]extension,]priority`` as (context, extension, priority)."""
        parts = [part.strip() for part in spec.replace("|", ",").split(",")]
        if len(parts) == 1:
            return context, extension, parts[0]
        if len(parts) == 2:
            return context, parts[0], parts[1]
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        self.warn(at, f'"{spec}" is not a dialplan location: the call ends')
        return None

    def _next(self, where: Where) -> str:
        context, extension, index, ret = where
        step = self._steps(context, extension)[index]
        return self._node((context, extension, index + 1, ret), step.at)

    # -- steps ----------------------------------------------------------------------
    def _compile(self, where: Where) -> None:
        """The node of one step (its id reserved by ``_node``), by its application."""
        context, extension, index, _ = where
        step = self._steps(context, extension)[index]
        app = step.app.lower()
        handler = self._handlers().get(app, self._unknown)
        spec = handler(where, step, _split(step.args), app)
        note = f"[{context}] {extension},{step.priority}: {step.app}({step.args})"
        self.flow.add(self._key(where), spec, step.at, note)

    def _handlers(self) -> dict[str, Any]:
        """Application name (lower case) -> the method that turns its step into a node."""
        table: dict[str, Any] = {
            "background": self._background_app,
            "waitexten": self._wait_exten,
            "read": self._read,
            "readexten": self._read,
            "dial": self._dial,
            "queue": self._queue,
            "gotoif": self._goto_if,
            "gotoiftime": self._goto_if,
            "goto": self._computed_goto,
            "gosub": self._gosub,
            "macro": self._gosub,
            "return": self._return,
        }
        table.update(dict.fromkeys(("playback", "controlplayback", "mp3player"), self._playback))
        table.update(dict.fromkeys(SAYS, self._say))
        table.update(dict.fromkeys(("voicemail", "record", "minivm_record"), self._record))
        table.update(dict.fromkeys(HANGUPS, self._hangup))
        table.update(dict.fromkeys(("agi", "eagi", "fastagi", "deadagi"), self._agi))
        return table

    def _background_app(self, where: Where, step: _Step, args: list[str], _app: str) -> dict:
        return self._background(where, step, args)

    def _wait_exten(self, where: Where, step: _Step, args: list[str], _app: str) -> dict:
        """WaitExten on its own: a menu whose prompt was played before."""
        return self._background(where, step, [], prompt="", wait=args[0] if args else "")

    def _playback(self, where: Where, _step: _Step, args: list[str], _app: str) -> dict:
        return {"say": _sounds(args[0] if args else ""), "next": self._next(where)}

    def _say(self, where: Where, _step: _Step, args: list[str], _app: str) -> dict:
        return {"say": f"[{args[0] if args else ''}]", "next": self._next(where)}

    def _record(self, where: Where, _step: _Step, args: list[str], app: str) -> dict:
        record: dict[str, Any] = {"next": self._next(where)}
        if app == "voicemail":
            record["prompt"] = {"audio": f"voicemail greeting of {args[0] if args else ''}"}
        return {"record": record}

    def _hangup(self, _where: Where, _step: _Step, _args: list[str], app: str) -> dict:
        return {"hangup": {"say": HANGUPS[app]} if HANGUPS[app] else {}}

    def _computed_goto(self, _where: Where, step: _Step, _args: list[str], _app: str) -> dict:
        """A Goto to a place computed at run time (a static one is followed, not a node)."""
        self.warn(step.at, f"Goto({step.args}) is computed at run time: the call ends there")
        return self._decision(f"Goto {step.args}", {"computed": self.flow.end()})

    def _agi(self, where: Where, _step: _Step, args: list[str], _app: str) -> dict:
        about = f"AGI script {args[0] if args else ''}"
        return self._decision(about, {"returns": self._next(where)})

    def _unknown(self, where: Where, step: _Step, _args: list[str], _app: str) -> dict:
        self.warn(
            step.at,
            f"application {step.app} is not understood: kept as a decision that goes on to "
            "the next priority",
        )
        return self._decision(f"Asterisk {step.app}({step.args})", {"goes on": self._next(where)})

    def _key(self, where: Where) -> str:
        context, extension, index, ret = where
        step = self._steps(context, extension)[index]
        return f"{context}/{extension}/{step.priority}" + (f"@{ret}" if ret else "")

    def _decision(self, about: str, outcomes: dict[str, str]) -> dict[str, Any]:
        return {"decide": {"about": about, "outcomes": outcomes}}

    def _background(
        self, where: Where, step: _Step, args: list[str], prompt: Any = None, wait: str = ""
    ) -> dict[str, Any]:
        """A menu: the sound files played, then the context's extensions as keys."""
        context, extension, index, ret = where
        steps = self._steps(context, extension)
        timeout = _number(wait, self._response_timeout(steps[:index]))
        following = index + 1
        while following < len(steps) and steps[following].app.lower() in QUIET:
            following += 1
        if following < len(steps) and steps[following].app.lower() == "waitexten":
            seconds = _split(steps[following].args)
            timeout = _number(seconds[0] if seconds else "", timeout)
            following += 1
        elif following < len(steps) and prompt is None:
            self.warn(
                step.at,
                f"after Background the dialplan goes on to {steps[following].app}; keys pressed "
                "during the sound are kept, what follows it is not",
            )
        options = self._menu_options(context, step.at)
        menu: dict[str, Any] = {
            "prompt": _sounds(args[0]) if args else (prompt or ""),
            "timeout": min(max(timeout, 1), 60),
            "retries": 0,
            "input": "dtmf",
        }
        for special, route in (("t", "on_timeout"), ("i", "on_invalid")):
            found, _ = self._find(context, special)
            if found is not None:
                menu[route] = self._priority(found[0], found[1], "1", ret, step.at)
        if not options:
            self.warn(step.at, f"[{context}] has no extension a caller can dial here")
            return {"say": menu["prompt"], "next": menu.get("on_timeout") or self.flow.end()}
        return {"menu": {**menu, "options": options}}

    def _menu_options(self, context: str, at: Position) -> dict[str, str]:
        """key -> node for every extension a caller can dial in ``context`` (and its includes)."""
        options: dict[str, str] = {}
        for defined_in, extension in self._dialable(context, frozenset()):
            defined_at = self._steps(defined_in, extension)[0].at
            if extension.startswith("_"):
                key, note = _menu_pattern(extension)
                if note:
                    self.warn(defined_at, note)
                if key is None:
                    continue
                if key not in options:
                    options[key] = self._enter(context, extension, "1", None, at)
                continue
            if re.fullmatch(r"[0-9*#]{1,4}", extension):
                key = extension
            else:
                self.warn(
                    defined_at,
                    f'extension "{extension}" cannot be dialled on a keypad: not an option',
                )
                continue
            if key not in options:
                options[key] = self._enter(context, key, "1", None, at)
        return options

    def _dialable(self, context: str, seen: frozenset[str]) -> list[tuple[str, str]]:
        """(defining context, extension) a caller can dial in ``context``, includes too."""
        ctx = self.contexts.get(context)
        if ctx is None or context in seen:
            return []
        found = [(context, name) for name in ctx.order if name not in SPECIAL]
        for include, _, _ in ctx.includes:
            names = {name for _, name in found}
            found += [
                pair for pair in self._dialable(include, seen | {context}) if pair[1] not in names
            ]
        return found

    def _response_timeout(self, before: list[_Step]) -> float:
        timeout = DEFAULT_RESPONSE_TIMEOUT
        for step in before:
            match = re.match(r"(?i)^\s*TIMEOUT\(response\)\s*=\s*(\d+(?:\.\d+)?)", step.args)
            if step.app.lower() == "set" and match:
                timeout = float(match.group(1))
        return timeout

    def _read(self, where: Where, step: _Step, args: list[str], app: str) -> dict[str, Any]:
        """Read(var,file,maxdigits,options,attempts,timeout): a menu when GotoIfs right after
        it test the variable against literal keys, digits collected otherwise."""
        context, extension, index, ret = where
        var = args[0] if args else "input"
        sound = args[1] if len(args) > 1 else ""
        if app == "readexten":
            timeout = _number(args[4] if len(args) > 4 else "", DEFAULT_RESPONSE_TIMEOUT)
            attempts = 1
            max_digits = 20
        else:
            max_digits = int(_number(args[2] if len(args) > 2 else "", 0)) or 20
            attempts = max(int(_number(args[4] if len(args) > 4 else "", 1)), 1)
            timeout = _number(args[5] if len(args) > 5 else "", DEFAULT_RESPONSE_TIMEOUT)
        steps = self._steps(context, extension)
        test = re.compile(READ_TEST % re.escape(var))
        options: dict[str, str] = {}
        following = index + 1
        while following < len(steps) and steps[following].app.lower() == "gotoif":
            condition, _, labels = steps[following].args.partition("?")
            literal = test.match(condition.strip())
            if not literal or ":" in labels:
                break
            target = self._jump(context, extension, labels, steps[following].at)
            if target is not None:
                options.setdefault(
                    literal.group(1),
                    self._enter(target[0], target[1], target[2], ret, steps[following].at),
                )
            following += 1
        continuation = self._node((context, extension, following, ret), step.at)
        settings: dict[str, Any] = {
            "prompt": _sounds(sound),
            "timeout": min(max(timeout, 1), 60),
            "retries": min(attempts - 1, 10),
        }
        if options:
            settings.update({"on_invalid": continuation, "on_fail": continuation})
            return {"menu": {**settings, "options": options, "input": "dtmf"}}
        digits = {"min": 1, "max": min(max(max_digits, 1), 20)}
        return {"input": {**settings, "var": var, "digits": digits, "next": continuation}}

    def _dial(self, where: Where, _step: _Step, args: list[str], _app: str) -> dict[str, Any]:
        transfer: dict[str, Any] = {"to": self._expand(args[0] if args else ""), "human": True}
        if len(args) > 1 and args[1].strip():
            transfer["ring"] = min(_number(args[1], 0), 600)
        context, extension, index, _ = where
        if index + 1 < len(self._steps(context, extension)):
            transfer["on_no_answer"] = self._next(where)
        return {"transfer": transfer}

    def _queue(self, where: Where, step: _Step, args: list[str], _app: str) -> dict[str, Any]:
        context, extension, index, _ = where
        rest = [
            s for s in self._steps(context, extension)[index + 1 :] if s.app.lower() not in QUIET
        ]
        if rest and rest[0].app.lower() != "hangup":
            self.warn(
                step.at,
                f"after the queue times out the dialplan goes on to {rest[0].app}; the menu "
                "ends at the queue, so that route is not kept",
            )
        return {"queue": {"name": self._expand(args[0]) if args else "queue"}}

    def _expand(self, text: str) -> str:
        """``text`` with the [globals] it names filled in (``${SALES}``: ``PJSIP/2001``)."""
        return re.sub(r"\$\{(\w+)\}", lambda m: self.globals.get(m.group(1), m.group(0)), text)

    def _goto_if(self, where: Where, step: _Step, _args: list[str], app: str) -> dict[str, Any]:
        context, extension, _, ret = where
        condition, _, labels = step.args.partition("?")
        if_true, _, if_false = labels.partition(":")
        routes = []
        for label in (if_true, if_false):
            if not label.strip():
                routes.append(self._next(where))
                continue
            target = self._jump(context, extension, label, step.at)
            routes.append(
                self._enter(target[0], target[1], target[2], ret, step.at)
                if target and "$" not in label
                else self._computed(label, step)
            )
        if app == "gotoiftime":
            schedule = self._schedule(condition, step.at)
            if schedule is not None:
                return {
                    "branch": [
                        {"when": {"hours": schedule}, "goto": routes[0]},
                        {"goto": routes[1]},
                    ]
                }
        return self._decision(
            f"GotoIf {condition.strip()}", {"true": routes[0], "false": routes[1]}
        )

    def _computed(self, label: str, step: _Step) -> str:
        self.warn(
            step.at, f"the jump to {label.strip()} is computed at run time: the call ends there"
        )
        return self.flow.end()

    def _gosub(self, where: Where, step: _Step, args: list[str], app: str) -> dict[str, Any]:
        """Gosub/Macro into the file: its steps run, then Return comes back here."""
        context, extension, _, _ = where
        back = self._next(where)
        if app == "macro":
            target = (f"macro-{args[0]}" if args else "", "s", "1")
        else:
            spec = step.args.split("(", 1)[0]
            target = self._jump(context, extension, spec, step.at) or ("", "", "")
        if target[0] in self.contexts and self._find(target[0], target[1])[0] is not None:
            entered = self._enter(target[0], target[1], target[2], back, step.at)
            return {"say": "", "next": entered}
        about = f"{step.app}({step.args})"
        return self._decision(about, {"returns": back})

    def _return(self, where: Where, step: _Step, _args: list[str], _app: str) -> dict[str, Any]:
        ret = where[3]
        if ret is None:
            self.warn(step.at, "Return outside a Gosub reached from the call: the call ends")
            return {"say": "", "next": self.flow.end()}
        return {"say": "", "next": ret}

    def _schedule(self, times: str, at: Position) -> str | None:
        """The name of the hotline schedule for an Asterisk time spec (hours, weekdays,
        days of the month, months); None (with a warning) when it is not a weekly one."""
        parts = [part.strip() for part in times.replace("|", ",").split(",")]
        parts += ["*"] * (4 - len(parts))
        hours, weekdays, mdays, months = parts[:4]
        if mdays != "*" or months != "*":
            self.warn(
                at,
                f"the time condition {times} names days of the month or months; the hotline's "
                "schedules are weekly, so only its hours and weekdays are kept",
            )
        days = "daily" if weekdays in ("*", "") else weekdays.replace("&", ",")
        span = "00:00-24:00" if hours in ("*", "") else hours
        try:
            Schedule.parse({days: span})
        except ScheduleError as exc:
            self.warn(at, f"the time condition {times} is not understood ({exc}): ignored")
            return None
        name = re.sub(r"[^a-z0-9]+", "_", f"{days} {span}".lower()).strip("_")
        self.hours[name] = {days: span}
        return name


def _split(args: str) -> list[str]:
    """Application arguments split on commas (or the old ``|``), outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    separator = "," if "," in args or "|" not in args else "|"
    for char in args:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == separator and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts if any(parts) else []


def _menu_pattern(extension: str) -> tuple[str | None, str | None]:
    """The menu option key of an Asterisk pattern (``_2XXX``: ``2XXX``) and a warning for
    what it cannot keep: ``.`` (one digit or more) becomes one ``X`` and ``!`` (any number)
    none, the nearest fixed length; None as the key when no menu pattern can say it."""
    body = "".join(char.upper() if char in "xzn" else char for char in extension[1:])
    fixed = body.replace(".", "X").replace("!", "")
    try:
        parse_pattern(fixed)
    except PatternError as exc:
        return None, f"pattern {extension} cannot be a menu option ({exc}); not an option"
    if not is_pattern(fixed) and len(fixed) > 4:
        return None, f"pattern {extension} is a {len(fixed)}-digit key; not an option"
    if fixed == body:
        return fixed, None
    return fixed, (
        f"pattern {extension} accepts any number of digits; a menu pattern has a fixed "
        f'length, so the option is "{fixed}" (the shortest entry it accepts)'
    )


def _pattern(extension: str) -> re.Pattern[str]:
    """The regex of an Asterisk extension pattern (``_1NXX``, ``_[2-5]X.``, ``_X!``)."""
    body = extension[1:]
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        upper = char.upper()
        if upper == "X":
            out.append("[0-9]")
        elif upper == "Z":
            out.append("[1-9]")
        elif upper == "N":
            out.append("[2-9]")
        elif char == "[":
            end = body.find("]", index)
            end = len(body) if end < 0 else end
            out.append("[" + re.escape(body[index + 1 : end]).replace("\\-", "-") + "]")
            index = end
        elif char == ".":
            out.append(".+")
        elif char == "!":
            out.append(".*")
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("^" + "".join(out) + "$")


def _sounds(spec: str) -> Any:
    """A prompt for Asterisk sound files (``demo-welcome&vm-goodbye``): a recording whose
    words are read from the names (Asterisk names its sounds by what they say)."""
    files = [name.strip() for name in spec.split("&") if name.strip()]
    if not files:
        return ""
    words = [
        SOUND_PREFIX.sub("", Path(name).name).replace("-", " ").replace("_", " ")
        for name in files
        if "$" not in name
    ]
    text = " ".join(word for word in words if word)
    return {"audio": files[0], "text": text} if text else {"audio": files[0]}


def _number(text: str, default: float) -> float:
    try:
        return float(text)
    except ValueError:
        return default
