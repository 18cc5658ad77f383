"""content/brand/: the vendor's name, colours (WCAG contrast), logo and favicon, as checked at
load and by `flask content check`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.content import load_content
from portal.content.brand import contrast_ratio
from portal.content.svg_check import svg_problems
from portal.content_cli import content_cli
from tests.content.conftest import FIXTURE_CONTENT, ContentCopy, only

BRAND_YML = "brand/brand.yml"


def test_the_fixture_brand_loads(index) -> None:
    brand = index.brand
    assert brand.name == "Testwind"
    assert brand.portal_name == "Testwind partner portal"
    assert (brand.primary, brand.primary_dark, brand.on_primary) == (
        "#1d4f91",
        "#123462",
        "#ffffff",
    )
    assert brand.logo_svg.startswith(b"<svg")
    assert brand.favicon.startswith(b"\x00\x00\x01\x00") and brand.favicon_type == "image/x-icon"


def test_the_demo_brand_is_keelstone() -> None:
    brand = load_content(FIXTURE_CONTENT.parents[2] / "content").brand
    assert brand.name == "Keelstone" and brand.logo_svg and brand.favicon


def test_without_a_brand_folder_the_vendor_names_the_portal(content: ContentCopy) -> None:
    for name in ("brand.yml", "logo.svg", "favicon.ico"):
        content.remove(f"brand/{name}")
    brand = load_content(content.root).brand
    assert brand.name == "Testwind"  # program.yml's vendor
    assert brand.logo_svg is None and brand.favicon is None
    assert brand.primary == "#0b5cad"  # app.css's own colours


def test_the_version_changes_with_any_brand_file(content: ContentCopy) -> None:
    before = load_content(content.root).brand.version
    content.replace("brand/logo.svg", 'r="15"', 'r="14"')
    assert load_content(content.root).brand.version != before


@pytest.mark.parametrize(
    ("wcag_pair", "ratio"),
    [(("#000000", "#ffffff"), 21.0), (("#ffffff", "#ffffff"), 1.0), (("#777777", "#ffffff"), 4.48)],
)
def test_contrast_ratio_is_wcags(wcag_pair, ratio) -> None:
    assert round(contrast_ratio(*wcag_pair), 2) == ratio


def test_a_light_primary_fails_with_the_pair_and_its_line(content: ContentCopy) -> None:
    content.replace(BRAND_YML, 'primary: "#1d4f91"', 'primary: "#7fb3ff"')
    problems = content.problems()
    assert (
        "brand/brand.yml:5: links on cards (primary on white) #7fb3ff on #ffffff is 2.1:1; "
        "needs 4.5:1 (WCAG 2.2 AA)"
    ) in problems
    assert any(
        p.startswith("brand/brand.yml:5: links on the page (primary on page)") for p in problems
    )
    # White button text on that light blue fails too, named on the same line.
    assert any("text on buttons (on_primary on primary) #ffffff on #7fb3ff" in p for p in problems)


def test_a_ratio_just_under_the_limit_is_not_rounded_up(content: ContentCopy) -> None:
    # #777777 on white is 4.48:1: shown as 4.4, never as the 4.5 it needs.
    content.replace(BRAND_YML, 'primary_dark: "#123462"', 'primary_dark: "#777777"')
    links, buttons = content.problems()
    assert links.startswith("brand/brand.yml:6: hovered links (primary_dark on white)")
    assert "is 4.4:1; needs 4.5:1" in links
    assert "text on hovered buttons (on_primary on primary_dark) #ffffff on #777777 is 4.4:1" in (
        buttons
    )


def test_dark_text_on_a_dark_button_fails(content: ContentCopy) -> None:
    content.replace(BRAND_YML, 'on_primary: "#ffffff"', 'on_primary: "#333333"')
    problems = content.problems()
    assert any(
        p.startswith(
            "brand/brand.yml:7: text on buttons (on_primary on primary) #333333 on #1d4f91"
        )
        for p in problems
    )


def test_an_unquoted_colour_says_to_quote_it(content: ContentCopy) -> None:
    content.replace(BRAND_YML, 'primary: "#1d4f91"', "primary: #1d4f91")
    problem = only(content.problems())
    assert problem.startswith("brand/brand.yml:5: colour 'primary' is empty: write it in quotes")


@pytest.mark.parametrize("value", ['"blue"', '"#12345"', "12", '"#1d4f91; x: y"'])
def test_a_colour_must_be_hex(content: ContentCopy, value: str) -> None:
    content.replace(BRAND_YML, 'primary: "#1d4f91"', f"primary: {value}")
    assert "colour 'primary' must be a hex colour" in only(content.problems())


def test_unknown_keys_and_a_missing_name(content: ContentCopy) -> None:
    content.replace(BRAND_YML, "name: Testwind\n", "nmae: Testwind\n")
    problems = content.problems()
    assert (
        "brand/brand.yml:1: unknown key 'nmae' in brand.yml (did you mean 'name'? " in (problems[0])
    )
    assert "brand/brand.yml:1: missing required key 'name' in brand.yml" in problems


def test_a_missing_logo_file(content: ContentCopy) -> None:
    content.remove("brand/logo.svg")
    assert only(content.problems()) == (
        "brand/brand.yml:2: 'logo' names brand/logo.svg, which does not exist"
    )


def test_an_unused_file_in_brand(content: ContentCopy) -> None:
    content.write("brand/old-logo.svg", "<svg/>")
    assert only(content.problems()) == (
        "brand/old-logo.svg:1: this file is not used: name it in brand/brand.yml or remove it"
    )


def test_a_favicon_that_is_not_an_icon(content: ContentCopy) -> None:
    content.write("brand/favicon.ico", "GIF89a")
    assert only(content.problems()) == "brand/favicon.ico:1: the file is not a ICO image"


def test_a_logo_with_a_script_is_refused_at_its_line(content: ContentCopy) -> None:
    content.write(
        "brand/logo.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        "  <circle r='4'/>\n"
        "  <script>alert(1)</script>\n"
        "</svg>\n",
    )
    assert only(content.problems()) == (
        "brand/logo.svg:3: <script> is not allowed in an SVG image (it can run code or embed pages)"
    )


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="x()"/>',
            "event handler",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"'
            ' viewBox="0 0 1 1"><image x:href="https://evil.example/a.png"/></svg>',
            "outside the file",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            '<a href="javascript:alert(1)"><rect/></a></svg>',
            "outside the file",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            "<foreignObject><p>x</p></foreignObject></svg>",
            "<foreignObject> is not allowed",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            "<style>@import url(https://evil.example/x.css);</style></svg>",
            "@import",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            '<rect style="fill: url( https://evil.example/p)"/></svg>',
            "#fragment",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">&a;</svg>',
            "document type",
        ),
        (  # an animation can turn a checked #fragment into a script address later
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><a href="#">'
            '<animate attributeName="href" values="#;javascript:alert(1)"/></a></svg>',
            "<animate> is not allowed",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            '<rect fill="#000" class="#;javascript:x"/></svg>',
            "javascript: address",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            '<rect style="fill:\\75 rl(https://evil.example/p)"/></svg>',
            "CSS escape",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
            '<style>@\\69mport "https://evil.example/x.css";</style></svg>',
            "CSS escape",
        ),
        ('<svg viewBox="0 0 1 1"/>', "not an SVG image"),
        ('<svg xmlns="http://www.w3.org/2000/svg"/>', "needs a viewBox"),
        ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">', "not well-formed"),
    ],
)
def test_unsafe_or_unusable_svgs_are_refused(svg: str, message: str) -> None:
    problems = svg_problems(svg.encode())
    assert problems and message in problems[0][1], problems


def test_a_safe_svg_with_internal_references_passes() -> None:
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs>'
        '<style>.a { fill: url(#g); }</style><rect class="a" width="10" height="10"/>'
        '<use xlink:href="#g"/></svg>'
    )
    assert svg_problems(svg.encode()) == []


def test_content_check_prints_the_contrast_error(content: ContentCopy) -> None:
    content.replace(BRAND_YML, 'primary_dark: "#123462"', 'primary_dark: "#8aa9d6"')
    result = CliRunner().invoke(content_cli, ["check", "--no-history", str(content.root)])
    assert result.exit_code == 1
    assert (
        "brand/brand.yml:6: hovered links (primary_dark on white) #8aa9d6 on #ffffff is 2.4:1; "
        "needs 4.5:1 (WCAG 2.2 AA)"
    ) in result.output
    # White text on the hovered button is checked against the same colour.
    assert "brand/brand.yml:7: text on hovered buttons (on_primary on primary_dark)" in (
        result.output
    )


def test_content_check_passes_the_demo_brand() -> None:
    result = CliRunner().invoke(
        content_cli, ["check", "--no-history", str(FIXTURE_CONTENT.parents[2] / "content")]
    )
    assert result.exit_code == 0, result.output


SAFE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect {attr}/>{body}</svg>'


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_a_problem_list_never_an_exception(data: bytes) -> None:
    problems = svg_problems(data)
    assert all(isinstance(line, int) and isinstance(message, str) for line, message in problems)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(value=st.text(max_size=300), body=st.text(max_size=300))
def test_hostile_attribute_and_text_values_never_break_the_check(value: str, body: str) -> None:
    attr = 'style="{}"'.format(
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    )
    text = body.replace("&", "&amp;").replace("<", "&lt;")
    svg = SAFE_SVG.format(attr=attr, body=f"<style>{text}</style>")
    assert isinstance(svg_problems(svg.encode("utf-8", "surrogatepass")), list)


def test_large_hostile_svgs_are_checked_in_one_pass() -> None:
    runs = [
        SAFE_SVG.format(attr="", body="<style>" + "url(" * 50_000 + "</style>"),
        SAFE_SVG.format(attr='style="' + " " * 200_000 + 'url( #a)"', body=""),
        SAFE_SVG.format(attr="", body='<g onclick="x()"/>' * 5_000),
    ]
    for svg in runs:
        problems = svg_problems(svg.encode())
        assert len(problems) <= 21  # the first twenty and "... and more"


@pytest.mark.parametrize("name", ['"Keel\\nstone"', "K" * 61, '""'])
def test_an_unusable_name(content: ContentCopy, name: str) -> None:
    content.replace(BRAND_YML, "name: Testwind\n", f"name: {name}\n")
    assert only(content.problems()).startswith("brand/brand.yml:1: name must be")


def test_broken_yaml_reports_only_itself(content: ContentCopy) -> None:
    content.replace(BRAND_YML, "name: Testwind\n", "name: [Testwind\n")
    problem = only(content.problems())
    assert problem.startswith("brand/brand.yml:") and "invalid YAML" in problem
