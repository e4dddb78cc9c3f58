"""FreeSWITCH IVR menus (``ivr.conf``: ``<include>`` or ``<configuration name="ivr.conf">``).

Each ``<menu>`` becomes a menu node (the first one is where the call starts: the
dialplan's ``ivr`` application names it, and the dialplan is not in this file). Its
``greet-long`` is the prompt and a different ``greet-short`` the ``reprompt`` (said on
later attempts); ``timeout`` and ``max-failures``/``max-timeouts`` become the timeout and
retries; once they are used up the menu runs ``exec-on-max-failures`` (or -timeouts),
else exits (its ``exit-sound``, then the call ends: what the dialplan does after the
``ivr`` application is not in this file). ``pin``, confirmation and unknown attributes
are warnings.

Entries: ``menu-sub`` goes to another menu, ``menu-top`` to the first, ``menu-back`` to
the menu that opened this one, ``menu-exit`` exits, ``menu-play-sound`` plays and
comes back; ``menu-exec-app`` with ``bridge`` reaches a person, ``transfer`` another
system (the dialplan), ``playback``, ``hangup``, ``voicemail`` and ``ivr`` what they
say; any other application is a ``decide`` node (a warning). ``digits`` given as a
``/regex/`` dial an extension: an anchored regex of digits, ``\\d`` and digit classes
with ``{n}`` counts becomes a digit pattern option (``/^(10[01][0-9])$/``: ``10[01]X``,
``/^5\\d{4}$/``: ``5XXXX``); for any other regex, the keys of up to four digits it
accepts become one pattern when one covers exactly them, else the option keeps the
first of them (a warning says how many it accepts).

Prompts: ``say:TEXT`` is kept as text, a sound file as a recorded prompt, and a
``phrase:NAME`` macro is resolved from a phrase file when one is given (``--phrases``):
its ``say``/``speak-text`` text is kept, and its sound files read as the words of
their names (FreeSWITCH names sound files by what they say: ``vm-press.wav``).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from ivr.errors import MenuError, MenuLoadError
from ivr.importers.flow import FlowBuilder, ImportedFlow
from ivr.importers.xmltext import Element, Position, parse_xml
from ivr.keypatterns import MAX_POSITIONS, covering, is_pattern
from ivr.keypatterns import parse as parse_pattern
from ivr.keypatterns import write as write_pattern

KEYPAD = "0123456789*#"
MAX_KEY_LENGTH = 4  # what a menu option key may hold
# a regex FreeSWITCH would match exactly: ^, digits, \d and digit classes with {n}, $
_DIGIT_ATOM = r"(?:\d|\\d|\[(?:\d(?:-\d)?)+\])(?:\{\d{1,2}\})?"
SIMPLE_REGEX = re.compile(
    rf"\^(?:\((?:\?:)?(?P<body>(?:{_DIGIT_ATOM})+)\)|(?P<bare>(?:{_DIGIT_ATOM})+))\$"
)
DIGIT_TOKEN = re.compile(r"(?P<atom>\d|\\d|\[(?:\d(?:-\d)?)+\])(?:\{(?P<count>\d{1,2})\})?")
SOUND_FILE = re.compile(r"[\w$/.{}-]+\.(?:wav|mp3|ogg|flac|gsm|ulaw|alaw|r8|r16)")
SOUND_PREFIX = re.compile(r"^(?:ivr|vm|conf|misc|voicemail)-")
PERSON_APPS = ("bridge",)
# extensions of FreeSWITCH's vanilla dialplan: (context, regex) -> (what it is, a person?)
VANILLA = {
    ("default", "10[01][0-9]"): ("Local_Extension, which rings that user's phone", True),
    ("features", "10[01][0-9]"): ("please_hold, then Local_Extension: that user's phone", True),
    ("default", "9196"): ("the echo test", False),
    ("default", "9664"): ("music on hold", False),
    ("default", "9191"): ("ClueCon registration", False),
    ("default", "5000"): ("the demo IVR", False),
}
KNOWN = {  # menu attributes read, noted, or without effect on what callers live
    "name",
    "greet-long",
    "greet-short",
    "invalid-sound",
    "exit-sound",
    "timeout",
    "inter-digit-timeout",
    "max-failures",
    "max-timeouts",
    "exec-on-max-failures",
    "exec-on-max-timeouts",
    "digit-len",
    "tts-engine",
    "tts-voice",
    "confirm-attempts",
}
UNKEPT = {
    "confirm-macro": "callers confirm each choice; that step is not kept",
    "confirm-key": "callers confirm each choice; that step is not kept",
    "pin": "the menu asks for a PIN first; that step is not kept",
    "transfer-sound": "a sound before transfers; not kept",
}


def import_flow(text: str, name: str, *, phrases: str | None = None) -> ImportedFlow:
    """The FreeSWITCH menus in ``text`` (read from ``name``) as our menu; ``phrases`` names a
    phrase file (``lang/en/demo/demo-ivr.xml``) whose macros the prompts use."""
    root = parse_xml(text, name)
    menus = [element for element in root.iter("menu") if element.get("name")]
    if root.tag not in ("include", "configuration", "menus", "menu") or not menus:
        raise MenuLoadError(
            [MenuError(name, root.line, root.col, "a FreeSWITCH ivr.conf has <menu name=...>")]
        )
    macros = _read_phrases(phrases) if phrases else {}
    return _MenuReader(name, menus, macros, phrases).read()


def _read_phrases(path: str) -> dict[str, Element]:
    """The ``<macro name=...>`` elements of a phrase file, by name."""
    from ivr.importers import read_text  # the package imports this module: import when used

    root = parse_xml(read_text(path, path), path)
    return {macro.get("name") or "": macro for macro in root.iter("macro")}


class _MenuReader:
    def __init__(
        self, name: str, menus: list[Element], macros: dict[str, Element], phrases: str | None
    ):
        self.flow = FlowBuilder(name, "freeswitch")
        self.menus: dict[str, Element] = {}
        self.macros = macros
        self.phrases = phrases
        for menu in menus:
            menu_name = menu.get("name") or ""
            if menu_name in self.menus:
                self.flow.warn(menu.at, f'a second menu named "{menu_name}" is skipped')
                continue
            self.menus[menu_name] = menu
            self.flow.id(menu_name)
        self.top = next(iter(self.menus))
        self.parents = self._parents()
        self.people: list[str] = []

    def read(self) -> ImportedFlow:
        for menu_name, menu in self.menus.items():
            self._menu(menu_name, menu)
        hotline = {"name": f"FreeSWITCH IVR {self.top}"}
        header = [
            f'The call starts at the first menu, "{self.top}" (the dialplan names the menu the '
            "ivr application runs; the dialplan is not in this file).",
            "When a menu exits (menu-exit, or its failures and timeouts used up) the dialplan "
            "goes on after the ivr application; that is not in this file: the call ends there.",
        ]
        if self.phrases:
            header.append(f"Phrase macros read from {self.phrases}.")
        return self.flow.build(self.flow.id(self.top), hotline, header)

    def _parents(self) -> dict[str, list[str]]:
        """For each menu, the menus whose menu-sub entries open it (for menu-back)."""
        parents: dict[str, list[str]] = {}
        for menu_name, menu in self.menus.items():
            for entry in menu.findall("entry"):
                if entry.get("action") == "menu-sub" and entry.get("param") in self.menus:
                    parents.setdefault(entry.get("param") or "", []).append(menu_name)
        return parents

    # -- menus -------------------------------------------------------------------
    def _menu(self, menu_name: str, menu: Element) -> None:
        self.flow.add(menu_name, {}, menu.at, "")  # the menu comes before the nodes it opens
        greet_long, greet_short = menu.get("greet-long"), menu.get("greet-short")
        prompt = self._prompt(menu.at, greet_long or greet_short or "")
        options: dict[str, str] = {}
        for entry in menu.findall("entry"):
            for key, target in self._entry(menu_name, entry):
                if key in options:
                    self.flow.warn(entry.at, f'key "{key}" is given twice; the first one is kept')
                    continue
                options[key] = target
        settings: dict[str, Any] = {
            "prompt": prompt,
            "timeout": self._seconds(menu, "timeout", 10_000),
            "retries": self._retries(menu),
            "on_fail": self._on_fail(menu_name, menu),
            "input": "dtmf",
        }
        if greet_long and greet_short and greet_short != greet_long:
            settings["reprompt"] = self._prompt(menu.at, greet_short)  # later attempts
        notes = [f'FreeSWITCH menu "{menu_name}"']
        if menu.get("inter-digit-timeout"):
            notes.append(f"inter-digit-timeout {menu.get('inter-digit-timeout')} ms")
        if menu.get("invalid-sound"):
            notes.append(f"an invalid key plays {menu.get('invalid-sound')}")
        if menu.get("digit-len"):
            notes.append(f"digit-len {menu.get('digit-len')}")
        self._unkept_attributes(menu)
        if not options:
            self.flow.warn(menu.at, f'menu "{menu_name}" has no entries: callers can only wait')
            spec: dict[str, Any] = {"say": prompt, "next": settings["on_fail"]}
        else:
            spec = {"menu": {**settings, "options": options}}
        self.flow.add(menu_name, spec, menu.at, "; ".join(notes))

    def _seconds(self, menu: Element, attribute: str, default_ms: int) -> float:
        value = (menu.get(attribute) or "").strip()
        try:
            seconds = int(value) / 1000 if value else default_ms / 1000
        except ValueError:
            self.flow.warn(menu.at, f'{attribute}="{value}" is not milliseconds; 10 s is used')
            return default_ms / 1000
        if not 1 <= seconds <= 60:
            self.flow.warn(menu.at, f"{attribute} of {seconds:g} s is kept within 1-60 s")
            seconds = min(max(seconds, 1), 60)
        return seconds

    def _retries(self, menu: Element) -> int:
        counts = []
        for attribute in ("max-failures", "max-timeouts"):
            value = (menu.get(attribute) or "").strip()
            if value.isdigit():
                counts.append(int(value))
            elif value:
                self.flow.warn(menu.at, f'{attribute}="{value}" is not a count; 3 is used')
        failures = counts or [3]  # FreeSWITCH's default
        if len(set(failures)) > 1:
            self.flow.warn(
                menu.at,
                f"max-failures and max-timeouts differ ({failures[0]}, {failures[1]}); the menu "
                f"keeps the larger ({max(failures)})",
            )
        return min(max(max(failures) - 1, 0), 10)

    def _on_fail(self, menu_name: str, menu: Element) -> str:
        """Where the menu goes once failures or timeouts are used up: the application of
        exec-on-max-failures (or -timeouts), else the menu's exit."""
        on_failures = (menu.get("exec-on-max-failures") or "").strip()
        on_timeouts = (menu.get("exec-on-max-timeouts") or "").strip()
        if on_failures and on_timeouts and on_failures != on_timeouts:
            self.flow.warn(
                menu.at,
                "exec-on-max-failures and exec-on-max-timeouts differ; the menu format has one "
                "route once the attempts are used up: exec-on-max-failures is kept",
            )
        app = on_failures or on_timeouts
        if not app:
            return self._exit(menu_name, menu)
        return self._app(menu_name, "fail", menu, app)

    def _unkept_attributes(self, menu: Element) -> None:
        """Warn about menu attributes that change what callers live but are not kept."""
        for attribute, what in UNKEPT.items():
            if (menu.get(attribute) or "").strip():
                self.flow.warn(menu.at, f'{attribute}="{menu.get(attribute)}": {what}')
        for attribute in menu.attrib:
            if attribute not in KNOWN and attribute not in UNKEPT:
                self.flow.warn(menu.at, f"menu attribute {attribute} is not understood")

    def _exit(self, menu_name: str, menu: Element) -> str:
        """The node where the menu exits: its exit-sound, then the end of the call."""
        sound = menu.get("exit-sound")
        exit_name = f"{menu_name}/exit"
        if exit_name not in self.flow.nodes:
            spec: dict[str, Any] = {
                "hangup": {"say": self._prompt(menu.at, sound)} if sound else {}
            }
            self.flow.id(exit_name, f"{menu_name}_exit")
            self.flow.add(exit_name, spec, menu.at, f'menu "{menu_name}" exits (exit-sound)')
        return self.flow.id(exit_name)

    # -- entries -----------------------------------------------------------------
    def _entry(self, menu_name: str, entry: Element) -> list[tuple[str, str]]:
        """(key, target) for an entry; warnings for what is not kept."""
        action, param = entry.get("action") or "", (entry.get("param") or "").strip()
        digits = (entry.get("digits") or "").strip()
        if not digits:
            self.flow.warn(entry.at, f'an entry "{action}" without digits is skipped')
            return []
        key = self._key(entry, digits)
        if key is None:
            return []
        here = self.flow.id(menu_name)
        if action == "menu-sub":
            if param not in self.menus:
                self.flow.warn(entry.at, f'menu-sub opens "{param}", which is no menu of this file')
                return [(key, self._external(entry, f"menu {param}", menu_name, key))]
            return [(key, self.flow.id(param))]
        if action == "menu-top":
            return [(key, self.flow.id(self.top))]
        if action == "menu-back":
            return [(key, self._back(menu_name, entry))]
        if action == "menu-exit":
            return [(key, self._exit(menu_name, self.menus[menu_name]))]
        if action == "menu-play-sound":
            name = f"{menu_name}/{key}/sound"
            self.flow.id(name, f"{menu_name}_{key}_sound")
            spec = {"say": self._prompt(entry.at, param), "next": here}
            self.flow.add(name, spec, entry.at, f"menu-play-sound {param}, then the menu again")
            return [(key, self.flow.id(name))]
        if action == "menu-exec-app":
            return [(key, self._app(menu_name, key, entry, param))]
        self.flow.warn(entry.at, f'entry action "{action}" is not understood: kept as a decision')
        return [(key, self._decision(menu_name, key, entry, f"FreeSWITCH {action} {param}"))]

    def _key(self, entry: Element, digits: str) -> str | None:
        """The option key for ``digits``; a /regex/ becomes the digit pattern covering the
        keys it accepts, else the first of them."""
        if not digits.startswith("/"):
            if re.fullmatch(rf"[0-9*#]{{1,{MAX_KEY_LENGTH}}}", digits):
                return digits
            self.flow.warn(entry.at, f'digits "{digits}" are not keypad keys; the entry is skipped')
            return None
        pattern = digits[1:-1] if digits.endswith("/") and len(digits) > 1 else digits[1:]
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            self.flow.warn(entry.at, f"digits regex {digits} is not valid ({exc}); skipped")
            return None
        simple = digit_class_pattern(pattern)
        if simple is not None:
            return simple
        accepted = accepted_keys(regex)
        if not accepted:
            self.flow.warn(
                entry.at,
                f"digits regex {digits} accepts no key of up to {MAX_KEY_LENGTH} digits; skipped",
            )
            return None
        covering_pattern = covering(accepted)
        if covering_pattern is not None:
            return covering_pattern
        extent = f"{accepted[0]}-{accepted[-1]}" if len(accepted) > 1 else accepted[0]
        self.flow.warn(
            entry.at,
            f"digits regex {digits} accepts {len(accepted)} extension(s) ({extent}), which no "
            f'one digit pattern covers, so the option keeps the first, "{accepted[0]}"',
        )
        return accepted[0]

    def _back(self, menu_name: str, entry: Element) -> str:
        parents = self.parents.get(menu_name, [])
        if len(parents) == 1:
            return self.flow.id(parents[0])
        if not parents:  # the top menu: going back leaves the ivr application
            return self._exit(menu_name, self.menus[menu_name])
        name = f"{menu_name}/back"
        if name not in self.flow.ids:
            outcomes = {f"back to {parent}": self.flow.id(parent) for parent in parents}
            self.flow.id(name, f"{menu_name}_back")
            spec = {"decide": {"about": "the menu the caller came from", "outcomes": outcomes}}
            self.flow.add(name, spec, entry.at, f'menu-back from "{menu_name}" (several parents)')
        return self.flow.id(name)

    def _app(self, menu_name: str, key: str, entry: Element, param: str) -> str:
        app, _, args = param.partition(" ")
        args = args.strip()
        base = f"{menu_name}/{key}"
        note = f"menu-exec-app {param}"
        if app in PERSON_APPS:
            return self._node(base, {"transfer": {"to": args, "human": True}}, entry, note)
        if app == "transfer":
            return self._external(entry, args, menu_name, key)
        if app == "ivr" and args in self.menus:
            return self.flow.id(args)
        if app == "hangup":
            return self._node(base, {"hangup": {}}, entry, note)
        if app == "playback" and args:
            spec = {"say": self._prompt(entry.at, args), "next": self.flow.id(menu_name)}
            return self._node(base, spec, entry, f"{note}, then the menu again")
        if app == "voicemail":
            spec = {"record": {"next": self.flow.end()}}
            return self._node(base, spec, entry, f"{note} (a voicemail box)")
        self.flow.warn(
            entry.at,
            f'application "{app}" ({param}) is not understood: kept as a decision that comes '
            "back to the menu",
        )
        return self._decision(menu_name, key, entry, f"FreeSWITCH {param}")

    def _external(self, entry: Element, to: str, menu_name: str, key: str) -> str:
        """A transfer to the dialplan: another system (its extension is not in this file),
        unless it is an extension FreeSWITCH's vanilla dialplan gives a known meaning."""
        note = f"transfer to the dialplan: {to}"
        human = False
        dialled = parse_pattern(key).example if is_pattern(key) else key  # what $1 holds
        known = _vanilla(to.replace("$1", dialled))
        if known is not None:
            what, human = known
            note += f" (in FreeSWITCH's vanilla dialplan: {what})"
            if human:
                self.flow.warn(
                    entry.at,
                    f"transfer {to} is taken as a person: in FreeSWITCH's vanilla dialplan "
                    f"it is {what}; check the dialplan this menu runs with",
                )
        spec = {"transfer": {"to": to, "human": human}}
        return self._node(f"{menu_name}/{key}", spec, entry, note)

    def _decision(self, menu_name: str, key: str, entry: Element, about: str) -> str:
        outcomes = {"back to the menu": self.flow.id(menu_name)}
        return self._node(
            f"{menu_name}/{key}", {"decide": {"about": about, "outcomes": outcomes}}, entry, about
        )

    def _node(self, name: str, spec: dict[str, Any], entry: Element, note: str) -> str:
        self.flow.id(name, name.replace("/", "_"))
        return self.flow.add(name, spec, entry.at, note)

    # -- prompts -----------------------------------------------------------------
    def _prompt(self, at: Position, sound: str | None) -> Any:
        """A prompt from a FreeSWITCH sound string (``say:``, ``phrase:``, a file)."""
        sound = (sound or "").strip()
        if sound.startswith("say:"):
            return sound[4:].strip()
        if sound.startswith("phrase:"):
            macro_name = sound[7:].split(":", 1)[0].strip()
            macro = self.macros.get(macro_name)
            if macro is None:
                where = f"in {self.phrases}" if self.phrases else "(no --phrases file given)"
                self.flow.warn(
                    at,
                    f'phrase macro "{macro_name}" is not resolved {where}: kept as a recording '
                    "whose words are unknown",
                )
                return {"audio": sound}
            text = self._macro_text(macro)
            return {"audio": sound, "text": text} if text else {"audio": sound}
        if not sound:
            return ""
        return {"audio": sound, "text": _sound_words(sound)}

    def _macro_text(self, macro: Element) -> str:
        """The words of a phrase macro's first match: its text, and its sound files' names."""
        words: list[str] = []
        match = next(macro.iter("match"), None)
        for action in match.findall("action") if match else []:
            function, data = action.get("function"), (action.get("data") or "").strip()
            if function in ("say", "speak-text") and data:
                words.append(data)
            elif function == "play-file" and SOUND_FILE.fullmatch(data):
                words.append(_sound_words(data))
            elif function == "play-file" and "://" not in data:
                self._phrase_warning(action, f'sound "{data}" is no file name: its words are lost')
            elif function not in ("play-file", "break", "execute"):
                self._phrase_warning(action, f'phrase action "{function}" is not understood')
        return " ".join(word for word in words if word)

    def _phrase_warning(self, action: Element, message: str) -> None:
        self.flow.warnings.append(
            MenuError(self.phrases or "", action.line, action.col, message, "warning")
        )


def _vanilla(target: str) -> tuple[str, bool] | None:
    """What ``EXTENSION [XML] [CONTEXT]`` is in FreeSWITCH's vanilla dialplan
    (``conf/vanilla/dialplan``), and whether a person answers; None when it is not there."""
    parts = target.split()
    if not parts:
        return None
    context = parts[2] if len(parts) > 2 else "default"
    for (known_context, pattern), meaning in VANILLA.items():
        if context == known_context and re.fullmatch(pattern, parts[0]):
            return meaning
    return None


def _sound_words(sound: str) -> str:
    """What a FreeSWITCH sound file says, read from its name (``ivr/ivr-please.wav``: please)."""
    if "://" in sound:  # silence_stream://, tone_stream://, http://
        return ""
    stem = Path(sound.split("!")[0]).stem
    return SOUND_PREFIX.sub("", stem).replace("_", " ").replace("-", " ").strip()


def digit_class_pattern(source: str) -> str | None:
    """The digit pattern of an anchored regex made of digits, ``\\d``, digit classes and
    ``{n}`` counts (``^2\\d{3}$``: ``2XXX``, ``^(10[01][0-9])$``: ``10[01]X``, of any length
    up to 15), or None for any other regex."""
    match = SIMPLE_REGEX.fullmatch(source)
    if match is None:
        return None
    positions: list[str] = []
    for token in DIGIT_TOKEN.finditer(match.group("body") or match.group("bare")):
        atom, count = token.group("atom"), int(token.group("count") or 1)
        if atom == r"\d":
            keys = "0123456789"
        elif atom.startswith("["):
            keys = "".join(
                "".join(str(d) for d in range(int(low), int(high or low) + 1))
                for low, high in re.findall(r"(\d)(?:-(\d))?", atom[1:-1])
            )
        else:
            keys = atom
        positions.extend([keys] * count)
    if not positions or len(positions) > MAX_POSITIONS or any(not keys for keys in positions):
        return None
    written = write_pattern(positions)
    if written and not is_pattern(written) and len(written) > MAX_KEY_LENGTH:
        return None  # a plain key too long to be an option
    return written


def accepted_keys(regex: re.Pattern[str]) -> list[str]:
    """The keys of up to ``MAX_KEY_LENGTH`` keypad characters that ``regex`` finds a match in
    (FreeSWITCH searches the digits entered with the regex)."""
    return [
        "".join(keys)
        for length in range(1, MAX_KEY_LENGTH + 1)
        for keys in itertools.product(KEYPAD, repeat=length)
        if regex.search("".join(keys))
    ]
