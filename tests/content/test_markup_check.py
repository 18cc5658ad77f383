"""What editors write is what partners see: nothing is dropped quietly, callouts are boxes,
images come from content with alt text, and links to other Markdown files reach their page."""

from __future__ import annotations

from portal.content import load_content
from portal.content.images import sniff
from portal.content.local_refs import portal_url
from portal.content.markdown import render_markdown
from portal.content.markup_check import removed_markup
from tests.content.conftest import ContentCopy, only

PAGE = "---\ntitle: Notes\n---\n"  # the body starts on line 4


def test_angle_brackets_in_text_are_reported_with_the_line_and_a_way_to_write_them(
    content: ContentCopy,
) -> None:
    content.write("pages/notes.md", PAGE + "Intro.\n\nReplace <customer name> with theirs.\n")
    assert content.problems() == [
        "pages/notes.md:6: <customer name> looks like an HTML tag and would be removed; "
        "write &lt;customer name&gt; or use backticks"
    ]


def test_the_ways_to_write_angle_brackets_are_kept_as_text(content: ContentCopy) -> None:
    content.write("pages/notes.md", PAGE + "Replace &lt;customer name&gt; or `<customer name>`.\n")
    html = load_content(content.root).pages["notes"].html
    assert html == ("<p>Replace &lt;customer name&gt; or <code>&lt;customer name&gt;</code>.</p>")


def test_attributes_classes_and_link_schemes_the_sanitiser_drops_are_reported() -> None:
    text = (
        'A <span style="color: red">red</span> word.\n\n'
        '<div class="callout-note wide">x</div>\n\n'
        "[call](javascript:alert(1))\n"
    )
    assert removed_markup(text) == [
        (0, '<span style="color: red">: the style attribute would be removed '
         "(a <span> in content keeps only: class)"),
        (2, '<div class="callout-note wide">: class wide would be removed '
         "(content may only use the classes the portal styles)"),
        (4, "link javascript:alert(1) would be removed: links may only be http(s), mailto "
         "or a portal path starting with /"),
    ]  # fmt: skip


def test_allowed_markup_and_comments_are_not_reported() -> None:
    text = (
        "<details>\n<summary>More</summary>\n\n**Hidden** text\n\n</details>\n\n"
        '<kbd>Ctrl</kbd> <abbr title="Customer relationship manager">CRM</abbr><br>\n'
        "<!-- a note for editors -->\n\n- [ ] a task\n\n[site](https://example.com)\n"
    )
    assert removed_markup(text) == []


def test_markdown_inside_details_is_rendered() -> None:
    html = render_markdown("<details>\n<summary>More</summary>\n\n**Hidden** text\n\n</details>")
    assert html == (
        "<details>\n<summary>More</summary>\n<p><strong>Hidden</strong> text</p>\n</details>"
    )


def test_a_fence_inside_a_list_item_stays_in_the_item() -> None:
    html = render_markdown("1. Run:\n\n   ```sh\n   make run\n   ```\n2. Open it")
    fence = '<pre><code class="language-sh">make run\n</code></pre>'
    assert f"<li>\n<p>Run:</p>\n{fence}\n</li>" in html


def test_each_github_callout_is_a_titled_box() -> None:
    for kind, title in [
        ("NOTE", "Note"),
        ("TIP", "Tip"),
        ("IMPORTANT", "Important"),
        ("WARNING", "Warning"),
        ("CAUTION", "Caution"),
    ]:
        html = render_markdown(f"> [!{kind}]\n> Mind the **gap**.")
        assert html == (
            f'<div class="callout callout-{kind.lower()}">\n<p class="callout-title">{title}</p>'
            "\n<p>Mind the <strong>gap</strong>.</p>\n</div>"
        )


def test_a_callout_keeps_its_paragraphs_and_a_quote_inside_stays_a_quote() -> None:
    html = render_markdown("> [!warning]\n>\n> First.\n>\n> > Quoted.\n\n> Plain quote.")
    assert html == (
        '<div class="callout callout-warning">\n<p class="callout-title">Warning</p>\n'
        "<p>First.</p>\n<blockquote>\n<p>Quoted.</p>\n</blockquote>\n</div>\n"
        "<blockquote>\n<p>Plain quote.</p>\n</blockquote>"
    )


def test_an_unknown_marker_is_an_ordinary_quote() -> None:
    assert render_markdown("> [!DANGER]\n> Hot.") == (
        "<blockquote>\n<p>[!DANGER]\nHot.</p>\n</blockquote>"
    )


def test_an_author_cannot_borrow_other_portal_classes() -> None:
    assert "button" not in render_markdown('<div class="button primary">x</div>')


def test_images_become_versioned_portal_addresses(content: ContentCopy) -> None:
    index = load_content(content.root)
    image = index.images["images/flow.png"]
    assert (image.media_type, image.size) == ("image/png", 96)
    html = index.paths["basics"].modules[0].html
    assert f'<img src="{image.url}" alt="A blue box standing for the referral flow">' in html
    assert image.url.startswith("/content-images/images/flow.png?v=")


def test_an_image_beside_a_module_and_one_from_the_root(content: ContentCopy) -> None:
    (content.root / "learning/basics/steps.png").write_bytes(
        (content.root / "images/flow.png").read_bytes()
    )
    content.write(
        "learning/basics/01-welcome.md",
        "---\ntitle: Welcome\nsummary: S.\n---\n![Steps](steps.png) ![Flow](/images/flow.png)\n",
    )
    html = load_content(content.root).paths["basics"].modules[0].html
    assert '<img src="/content-images/learning/basics/steps.png?v=' in html
    assert '<img src="/content-images/images/flow.png?v=' in html


def test_image_problems_name_the_line(content: ContentCopy) -> None:
    content.write(
        "pages/notes.md",
        PAGE
        + "![](../images/flow.png)\n\n![Chart](../images/chart.png)\n\n"
        + "![Logo](https://example.com/logo.png)\n",
    )
    assert content.problems() == [
        "pages/notes.md:4: image ../images/flow.png has no alt text: say what it shows, "
        "as in ![Referral flow](../images/flow.png)",
        "pages/notes.md:6: image ../images/chart.png not found: there is no images/chart.png "
        "(images go in content/images/ or beside the module)",
        "pages/notes.md:8: image https://example.com/logo.png is not a content image: put the "
        "file in content/images/ (or beside the module) and use its relative path",
    ]


def test_an_image_must_be_what_its_name_says(content: ContentCopy) -> None:
    (content.root / "images/fake.png").write_bytes(b"GIF89a" + bytes(20))
    (content.root / "images/notes.txt").write_text("not an image")
    assert content.problems() == [
        "images/fake.png:1: the file is named like a PNG image but is a GIF",
        "images/notes.txt:1: images/ holds images only (.gif, .jpeg, .jpg, .png, .svg, .webp); "
        "this file's type is not served",
    ]


def test_an_svg_that_could_run_a_script_is_refused_with_its_line(content: ContentCopy) -> None:
    (content.root / "images/bad.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">\n'
        "<script>alert(1)</script>\n</svg>\n"
    )
    assert only(content.problems()).startswith("images/bad.svg:2: ")


def test_sniffing_knows_the_served_types() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\n...") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert sniff(b'<?xml version="1.0"?>\n<svg xmlns="">') == "image/svg+xml"
    assert sniff(b"%PDF-1.7") is None


def test_links_to_markdown_files_reach_the_page_that_shows_them(content: ContentCopy) -> None:
    content.write(
        "pages/notes.md",
        PAGE + "See [the rules](rules.md), [basics](../learning/basics/path.md) and "
        "[welcome](../learning/basics/01-welcome.md#welcome).\n",
    )
    html = load_content(content.root).pages["notes"].html
    assert '<a href="/program/rules">' in html
    assert '<a href="/learn/basics">' in html
    assert '<a href="/learn/basics/welcome#welcome">' in html


def test_links_to_missing_markdown_files_or_headings_are_reported(content: ContentCopy) -> None:
    content.write(
        "pages/notes.md",
        PAGE + "[gone](gone.md)\n\n[readme](../README.md)\n\n[rules](rules.md#nowhere)\n",
    )
    (content.root / "README.md").write_text("# Content\n")
    problems = content.problems()
    assert problems[:2] == [
        "pages/notes.md:4: broken link gone.md: there is no pages/gone.md",
        "pages/notes.md:6: broken link ../README.md: no portal page shows README.md",
    ]
    assert problems[2].startswith(
        "pages/notes.md:8: broken link /program/rules#nowhere: that page has no heading or "
        "other anchor 'nowhere'"
    )
    assert len(problems) == 3


def test_every_kind_of_document_has_a_portal_page() -> None:
    assert [
        portal_url(rel)
        for rel in (
            "pages/rules.md",
            "learning/basics/path.md",
            "learning/basics/02-qualifying.md",
            "kits/webinar/kit.md",
            "playbooks/objection/too-expensive.md",
            "onboarding/reseller.md",
            "kits/webinar/templates/email.md",
        )
    ] == [
        "/program/rules",
        "/learn/basics",
        "/learn/basics/qualifying",
        "/kits/webinar",
        "/playbooks/objection/too-expensive",
        "/onboarding",
        None,
    ]
