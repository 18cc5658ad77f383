"""YAML with line numbers: the parser every content file goes through."""

from __future__ import annotations

from portal.content.frontmatter import LineDict, LineList, parse_yaml, split_front_matter


def test_lines_of_keys_and_items() -> None:
    result = parse_yaml("title: T\nsteps:\n  - id: a\n    kind: staff\n  - id: b\n", line_offset=1)
    data = result.data
    assert isinstance(data, LineDict)
    assert result.errors == []
    assert (data.line, data.line_of("title"), data.line_of("steps")) == (2, 2, 3)
    steps = data["steps"]
    assert isinstance(steps, LineList)
    assert steps.item_lines == [4, 6]
    assert steps[0].line_of("kind") == 5
    assert data.line_of("missing") == data.line


def test_only_true_and_false_are_booleans() -> None:
    data = parse_yaml("a: yes\nb: No\nc: on\nd: true\ne: FALSE\n").data
    assert data == {"a": "yes", "b": "No", "c": "on", "d": True, "e": False}


def test_scalars() -> None:
    data = parse_yaml(
        'i: 42\nneg: -3\nu: 1_000\nh: 0x1F\nf: 7.5\nn: null\nt: ~\ne:\nq: "10"\nd: 2024-01-01\n'
        "s: !!str 5\nslug: 01-intro\n"
    ).data
    assert data == {
        "i": 42,
        "neg": -3,
        "u": 1000,
        "h": 31,
        "f": 7.5,
        "n": None,
        "t": None,
        "e": None,
        "q": "10",
        "d": "2024-01-01",
        "s": "5",
        "slug": "01-intro",
    }


def test_explicit_core_tags() -> None:
    data = parse_yaml(
        "a: !!int 7\nb: !!float 2\nc: !!float 2.5\nd: !!bool true\ne: !!null ~\n"
    ).data
    assert data == {"a": 7, "b": 2.0, "c": 2.5, "d": True, "e": None}
    assert isinstance(data["b"], float)
    for text, tag in (("true", "int"), ("1", "bool"), ("x", "float"), ("0", "null")):
        assert parse_yaml(f"x: !!{tag} {text}\n").errors == [
            (1, f"invalid YAML: {text!r} is not a valid !!{tag}")
        ]


def test_block_scalars_stay_text() -> None:
    data = parse_yaml("description: |\n  Line one\n  Line two\nother: >\n  42\n").data
    assert data == {"description": "Line one\nLine two\n", "other": "42\n"}


def test_anchors_aliases_and_merge_keys() -> None:
    data = parse_yaml("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nref: *b\n").data
    assert data["m"] == {"x": 1, "y": 3}
    assert data["ref"] == {"x": 1, "y": 2}


def test_duplicate_keys_are_reported() -> None:
    assert parse_yaml("a: 1\nb: 2\na: 3\n", line_offset=1).errors == [(4, "duplicate key 'a'")]


def test_errors_carry_the_file_line() -> None:
    ((line, message),) = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", line_offset=1).errors
    assert line >= 3 and message.startswith("invalid YAML:")
    assert parse_yaml("a: b\n---\nc: d\n").errors == [
        (2, "invalid YAML: expected one document, found another")
    ]
    assert parse_yaml("x: !python/object 1\n").errors == [
        (1, "invalid YAML: unsupported tag !python/object")
    ]
    assert parse_yaml("x: !!int abc\n").errors == [(1, "invalid YAML: 'abc' is not a valid !!int")]
    assert parse_yaml("? [a]\n: b\n").errors == [
        (1, "invalid YAML: a mapping key must be a plain value")
    ]
    assert parse_yaml("x: *nowhere\n").errors[0][1].startswith("invalid YAML:")


def test_split_front_matter() -> None:
    doc = split_front_matter("---\ntitle: T\n---\n# Body\n\nText\n")
    assert doc.meta == {"title": "T"}
    assert doc.body == "# Body\n\nText\n"
    assert doc.body_line == 4
    assert doc.errors == []


def test_empty_front_matter() -> None:
    doc = split_front_matter("---\n---\nBody\n")
    assert doc.meta is None and doc.errors == [] and doc.body_line == 3
