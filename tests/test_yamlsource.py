"""Safe YAML reading with line/column marks (``ivr.yamlsource``)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from ivr.errors import MenuLoadError
from ivr.yamlsource import parse_yaml, paused_gc, read_yaml


def messages(text: str) -> list[str]:
    with pytest.raises(MenuLoadError) as caught:
        parse_yaml(text, "t.yaml")
    return [str(error) for error in caught.value.errors]


def test_marks_point_at_values_and_keys() -> None:
    data, marks = parse_yaml("nodes:\n  main:\n    say: Hello\n    next: bye\n", "t.yaml")
    assert data == {"nodes": {"main": {"say": "Hello", "next": "bye"}}}
    assert marks.at(("nodes", "main", "say")) == (3, 10)
    assert marks.at(("nodes", "main", "next"), key=True) == (4, 5)
    # a path that does not exist is placed at its nearest written parent
    assert marks.at(("nodes", "main", "missing", "deeper")) == (3, 5)
    error = marks.error(("nodes", "main", "next"), "no such node")
    assert str(error) == "t.yaml:4:11: no such node"


def test_sequence_items_have_their_own_marks() -> None:
    _, marks = parse_yaml("rules:\n  - a\n  - b\n")
    assert marks.at(("rules", "1")) == (3, 5)


def test_mapping_keys_are_kept_as_written() -> None:
    data, _ = parse_yaml('options:\n  010: a\n  1: b\n  "#": c\n  yes: d\n')
    assert list(data["options"]) == ["010", "1", "#", "yes"]


def test_values_keep_their_yaml_types() -> None:
    data, _ = parse_yaml("a: 5\nb: 2.5\nc: true\nd: null\ne: '5'\nf: [1, x]\n")
    assert data == {"a": 5, "b": 2.5, "c": True, "d": None, "e": "5", "f": [1, "x"]}


def test_merge_keys_work() -> None:
    data, _ = parse_yaml("base: &b {timeout: 5, retries: 2}\nmenu:\n  <<: *b\n  retries: 3\n")
    assert data["menu"] == {"timeout": 5, "retries": 3}
    assert messages("base: &b {retries: 2}\nmenu:\n  <<: *b\n  retries: 3\n  retries: 4\n") == [
        't.yaml:5:3: duplicate key "retries" (first defined at line 4)'
    ]


def test_every_duplicate_key_is_reported() -> None:
    assert messages("a: 1\nb: 2\na: 3\nb: 4\n") == [
        't.yaml:3:1: duplicate key "a" (first defined at line 1)',
        't.yaml:4:1: duplicate key "b" (first defined at line 2)',
    ]


def test_unsafe_tags_are_refused() -> None:
    assert messages("a: !!python/object/apply:os.system ['true']\n") == [
        "t.yaml:1:4: invalid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    ]


def test_recursive_alias_is_refused() -> None:
    errors = messages("a: &a [*a]\n")
    assert len(errors) == 1 and errors[0].startswith("t.yaml:")
    assert "refused" in errors[0]


def test_several_documents_are_refused() -> None:
    assert messages("a: 1\n---\nb: 2\n") == [
        "t.yaml:2:1: invalid YAML: expected a single document in the stream, but found "
        "another document"
    ]


def test_read_yaml_refuses_big_files_by_size(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: 1\n" * 30, encoding="utf-8")
    with pytest.raises(MenuLoadError) as caught:
        read_yaml(path, max_bytes=100, display_name="big.yaml")
    assert str(caught.value) == (
        "big.yaml:1:1: file is 150 bytes, over the 100-byte limit for a menu"
    )


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause does not switch it back on early
    assert gc.isenabled()


def test_a_chain_of_merge_keys_is_refused_before_it_grows() -> None:
    # each mapping merges the previous one: n levels hold n * n / 2 pairs in all
    rows = ["a0: &a0 {k0: 0}"]
    rows += [f"a{i}: &a{i} {{<<: *a{i - 1}, k{i}: {i}}}" for i in range(1, 3000)]
    found = messages("\n".join(rows) + "\n")
    assert len(found) == 1
    assert found[0].endswith(
        "document repeats more than 200,000 values through aliases (an alias bomb?); refused"
    )


def test_merge_keys_still_work() -> None:
    data, _ = parse_yaml("base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3, z: 4}\n", "t.yaml")
    assert data["use"] == {"x": 1, "y": 3, "z": 4}
