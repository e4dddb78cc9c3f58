"""Located errors and their "did you mean" hints (``ivr.errors``)."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.errors import did_you_mean

NAMES = st.text(alphabet="abm12x", min_size=0, max_size=7)


@settings(max_examples=300, deadline=None)
@given(NAMES, st.lists(NAMES, max_size=30))
def test_the_hint_is_difflibs_closest_match(word: str, choices: list[str]) -> None:
    # short texts over a few letters: many near matches and ties of equal ratio
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    expected = f' (did you mean "{matches[0]}"?)' if matches else ""
    assert did_you_mean(word, choices) == expected


def test_among_equally_close_names_the_hint_is_the_greatest() -> None:
    # "m1" and "m2" both share two of the five letters; "m13" and "m21" fewer of six
    assert did_you_mean("m12", ["m1", "m2", "m13", "m21"]) == ' (did you mean "m2"?)'
