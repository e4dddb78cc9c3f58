"""Safe YAML reading with line/column marks (``ivr.yamlsource``)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.errors import MenuLoadError
from ivr.yamlsource import SafeLoader, parse_yaml, paused_gc, read_yaml


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


def test_numbers_are_those_of_the_yaml_constructor() -> None:
    text = "".join(
        f"k{i}: {number}\n"
        for i, number in enumerate(
            ["5", "010", "0", "1_000", "0x1F", "0b11", "1:30", "!!int 42", "+7", "-3", "9" * 30]
        )
    )
    data, _ = parse_yaml(text)
    assert data == yaml.load(text, Loader=SafeLoader)
    assert data["k1"] == 8 and data["k6"] == 90  # octal, sexagesimal: YAML 1.1 integers


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


def test_a_mapping_read_again_keeps_its_merge() -> None:
    # the inner mapping is read twice (through the alias, and once more as the outer one's
    # merge puts its pairs first); its own key still overrides the merged one each time
    text = "base: &b {x: 1}\nouter:\n  inner: &i {<<: *b, x: 2}\n  again: *i\n  <<: {y: 3}\n"
    data, marks = parse_yaml(text, "t.yaml")
    assert data["outer"] == {"y": 3, "inner": {"x": 2}, "again": {"x": 2}}
    assert marks.at(("outer", "again", "x")) == (3, 25)


def test_merge_keys_still_work() -> None:
    data, _ = parse_yaml("base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3, z: 4}\n", "t.yaml")
    assert data["use"] == {"x": 1, "y": 3, "z": 4}


# -- positions found on demand equal those of a walk over the whole document ----------------

KEYS = st.sampled_from(["a", "b", "1", "010", "é", "x y", "nodes"])
SCALARS = st.one_of(
    st.text(alphabet="ab é:#-", max_size=8), st.integers(-5, 300), st.booleans(), st.none()
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """YAML text in flow and block styles, with anchors and aliases (objects the data holds
    twice) and ``<<`` merges of anchored mappings."""
    shared = draw(st.lists(st.dictionaries(KEYS, SCALARS, min_size=1, max_size=3), max_size=3))

    def values(depth: int) -> st.SearchStrategy[Any]:
        leaves = st.one_of(SCALARS, st.sampled_from(shared)) if shared else SCALARS
        if depth == 0:
            return leaves
        inner = values(depth - 1)
        mappings = st.dictionaries(KEYS, inner, max_size=4)
        if shared:  # a mapping that merges an anchored one, and may override its keys
            merging = st.builds(
                lambda base, own: {"<<": base, **own},
                st.sampled_from(shared),
                st.dictionaries(KEYS, inner, max_size=3),
            )
            mappings = st.one_of(mappings, merging)
        return st.one_of(leaves, st.lists(inner, max_size=3), mappings)

    data = draw(st.dictionaries(KEYS, values(3), min_size=1, max_size=4))
    text = yaml.dump(
        {"shared": shared, **data} if shared else data,
        Dumper=yaml.SafeDumper,
        default_flow_style=draw(st.sampled_from([None, True, False])),
        indent=draw(st.integers(2, 5)),
        width=draw(st.sampled_from([20, 80])),
        allow_unicode=True,
    )
    return text.replace("'<<'", "<<")  # the dumper quotes a merge key; written plain, it merges


def walked_positions(text: str) -> tuple[dict, dict]:
    """Every value's and key's position by path, from a walk over the composed document
    (merges applied as the safe constructor does; a later key overrides an earlier one)."""
    loader = SafeLoader(text)
    values: dict[tuple[str, ...], tuple[int, int]] = {}
    keys: dict[tuple[str, ...], tuple[int, int]] = {}

    def pos(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        values[path] = pos(node)
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            for key_node, value_node in node.value:
                keys[(*path, key_node.value)] = pos(key_node)
                walk(value_node, (*path, key_node.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, str(i)))

    walk(loader.get_single_node(), ())
    loader.dispose()
    return values, keys


def nearest(table: dict, path: tuple[str, ...], top: tuple[int, int]) -> tuple[int, int]:
    while path:
        if path in table:
            return table[path]
        path = path[:-1]
    return top


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_positions_found_on_demand_equal_a_walk_over_the_document(text: str) -> None:
    _, marks = parse_yaml(text, "t.yaml")
    values, keys = walked_positions(text)
    top = values[()]
    for path in list(values):
        for probe in (path, (*path, "missing"), (*path, "0"), (*path, "zz", "deeper")):
            assert marks.at(probe) == nearest(values, probe, top), (probe, text)
            assert marks.at(probe, key=True) == nearest(keys, probe, top), (probe, text)
