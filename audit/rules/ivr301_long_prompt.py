"""IVR301 long-prompt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import networkx as nx

from audit.context import GATHERING_KINDS, Context
from audit.rules.base import Finding, Rule
from ivr.model import Node

TEXT_ATTRIBUTES = ("prompt", "message")


class LongPrompt(Rule):
    """A prompt, or the greeting before the first menu, is too long.

    What: each prompt's duration in each language (measured audio when
    available, else estimated at 150 words per minute) over ``max_prompt``
    (20 s); the prompts a caller hears before the first choice, in the line's
    default language on the route most callers take, over ``max_greeting`` (8 s).

    Why it hurts callers: GetHuman standard 6: no long or verbose prompts.
    Callers stop listening after a few seconds; a long greeting is time-to-human
    spent on marketing.

    Failing example:
        welcome: {say: "Thank you for calling ACME. Your call is important to us. Our menu
                        options have changed, so please listen carefully."}

    Fix: say only what helps the caller choose; cut greetings to a name and
    the first menu.
    """

    code = "IVR301"
    name = "long-prompt"
    severity = "warning"
    options: ClassVar[dict[str, Any]] = {"max_prompt": 20, "max_greeting": 8}

    def check(self, ctx: Context) -> Iterator[Finding]:
        for node in ctx.nodes(Node):
            for attribute in TEXT_ATTRIBUTES:
                for lang, text in ctx.texts(node, attribute).items():
                    seconds = ctx.seconds(text, lang)
                    if seconds > self.settings["max_prompt"]:
                        yield self.finding(
                            ctx,
                            node.id,
                            f'the {attribute} of "{node.id}" ({lang}) takes '
                            f"{seconds:.1f} s; at most "
                            f"{self.settings['max_prompt']} s recommended",
                        )
                        break
        yield from self._greeting(ctx)

    def _greeting(self, ctx: Context) -> Iterator[Finding]:
        firsts = [first for first in ctx.first_menus if first != ctx.menu.start]
        if not firsts:
            return
        lang = ctx.menu.hotline.default_language  # nobody has chosen another one yet
        seconds = max(self._greeting_seconds(ctx, first, lang) for first in firsts)
        if seconds > self.settings["max_greeting"]:
            yield self.finding(
                ctx,
                ctx.menu.start,
                f"callers hear {seconds:.1f} s of greeting ({lang}) before the "
                f"first menu; at most {self.settings['max_greeting']} s "
                "recommended",
            )

    @staticmethod
    def _greeting_seconds(ctx: Context, first: str, lang: str) -> float:
        """Seconds of the automatic steps' prompts on the way from the start to ``first``."""
        nearest = ctx.metrics.nearest
        if nearest is not None and first in nearest.path:
            path = nearest.path[: nearest.path.index(first)]
        else:
            path = nx.shortest_path(ctx.graph, ctx.menu.start, first)[:-1]
        before = [
            ctx.menu.nodes[n] for n in path if ctx.graph.nodes[n]["kind"] not in GATHERING_KINDS
        ]
        return sum(ctx.seconds(_any(ctx, n, lang), lang) for n in before)


def _any(ctx: Context, node, lang: str) -> str:
    prompt = getattr(node, "prompt", None)
    return prompt.text(lang, ctx.menu.hotline.default_language) if prompt else ""


RULE = LongPrompt
