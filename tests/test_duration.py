"""Speaking-time estimates: ASCII text is counted from its character classes, any other
text by patterns; both ways must give the same estimate wherever the fast one is used."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.duration import _ASCII_CLASSES, _ascii_counts, _counts, estimate_seconds

PROMPT_CHARACTERS = string.ascii_letters + string.digits + ".!?,;:'\"-()# *\t\n\x0b\x1c "


@settings(max_examples=400)
@given(st.text(alphabet=PROMPT_CHARACTERS, max_size=120))
def test_the_ascii_counts_equal_the_patterns_counts(text):
    classes = text.translate(_ASCII_CLASSES)
    if "a0" in classes or "0a" in classes:  # where estimate_seconds takes the patterns
        return
    assert _ascii_counts(classes) == _counts(text)


def test_estimates_a_caller_would_hear():
    assert estimate_seconds("") == 0.0
    assert estimate_seconds("For billing, press 1.") == round(4 * 0.4 + 0.4 + 0.17, 2)
    # a long number is read digit by digit; "abc123" is read by the patterns
    assert estimate_seconds("Call 5550100.") > estimate_seconds("Call 55.")
    assert estimate_seconds("Code abc123.") == estimate_seconds("Code abc 123.")
