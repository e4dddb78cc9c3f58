"""Reading keys from prompts: the same keys, at the same places, whatever the case.

ASCII prompts are read in lower case by case-sensitive patterns, other prompts by
case-insensitive ones (``ivr.prompt_text._searched``); both must find the same keys.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ivr.prompt_text import key_before_action, key_mentions, mention_ends


@pytest.mark.parametrize(
    "text",
    [
        "For billing, press 1. For sales, press 2 or 3. Press 0 for an agent.",
        "Untuk tagihan, tekan satu. Tekan tombol bintang untuk menu.",
        "Für Rechnungen, tippen Sie drei. Für Café-Fragen, press 4 or 5.",  # not ASCII
        "예약은 1번, 상담원은 0번을 누르세요. For English, press 9.",
    ],
)
def test_keys_are_found_alike_in_any_case(text):
    expected = key_mentions(text)
    assert expected  # every example names keys
    for variant in (text.upper(), text.lower(), text.title(), text.swapcase()):
        assert key_mentions(variant) == expected
        assert mention_ends(variant) == mention_ends(text)
        assert key_before_action(variant) == key_before_action(text)


def test_a_verb_inside_a_word_is_no_key_but_a_list_after_it_counts():
    assert key_mentions("EXPRESS 1 delivery.") == ()
    assert [key for key, _ in key_mentions("Please PRESS 1, 2 OR 3.")] == ["1", "2", "3"]
    assert key_before_action("PRESS 1 FOR BILLING. For sales, press 2.") == ["1"]


def test_keys_listed_together_keep_their_spoken_order_under_any_hash_seed():
    """Keys at one offset ("press 1, 2 or 3") came out in the order of a set, which
    changes with Python's hash seed: the same prompt read differently in two runs."""
    script = "from ivr.prompt_text import key_mentions; print(key_mentions('Press 1, 2 or 3.'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(8)
    }
    assert outputs == {"(('1', 0), ('2', 7), ('3', 7))\n"}
