"""A program page written in GitHub-flavoured Markdown, as a partner's browser shows it.

The fixture content plus one page using the GFM features the content team asked for: aligned
table, task list, strikethrough, footnote, `<details>`, a fence in a list item, links to
headings, callouts and a content image. Under the real CSP (no inline styles) the alignment
still shows, the image loads, callouts fit a phone's width, the task boxes are ticked or not
and cannot be changed, the heading links land on GitHub-style anchors, and
axe-core finds nothing. Any dialog, script error or CSP violation fails the test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal import create_app
from portal.accounts.models import Organization, OrgStatus, Role, User
from portal.extensions import db
from tests.browser.test_journey import assert_accessible
from tests.browser.test_referral_journey import _watch
from tests.conftest import FIXTURE_CONTENT

EMAIL, PASSWORD = "gfm@partner.example", "a long enough partner password"
SHOWCASE = """---
title: Markdown showcase
summary: What GitHub-flavoured Markdown looks like to partners.
order: 3
---
Jump to [the budget](#budget), or read [about quizzes](#quiz-1).

# Budget

| Item | Cost |
|:-----|-----:|
| Ads | 1,200 |

- [x] Agreement signed
- [ ] Webinar booked

~~Old price~~ New price.[^1]

1. Install the tool:

   ```sh,ignore
   make run
   ```

<details>
<summary>Why it matters</summary>

Partners with a **plan** close more deals.

</details>

> [!WARNING]
> Never register a customer who has not agreed to hear from us, even when the deal looks
> certain and the customer's name is long: Supercalifragilisticexpialidocious Holdings.

> [!TIP]
> Register first, then introduce.

![A blue box standing for the referral flow](../images/flow.png)

# Quiz

Not the page's own quiz section.

[^1]: From the partner price list.
"""


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The fixture content plus the showcase page, one partner, every protection on."""
    workdir: Path = tmp_path_factory.mktemp("browser-gfm")
    content = workdir / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    (content / "pages" / "showcase.md").write_text(SHOWCASE)
    app = create_app(
        {
            "SECRET_KEY": "browser-test-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'portal.sqlite'}",
            "CONTENT_DIR": str(content),
            "CONTENT_AUTO_RELOAD": False,
            "MAIL_BACKEND": "log",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        org = Organization(
            name="Gfm Partners", partner_type="referral", tier="registered", status=OrgStatus.ACTIVE
        )
        user = User(email=EMAIL, name="Gina Gfm", role=Role.PARTNER_USER, organization=org)
        user.set_password(PASSWORD)
        db.session.add_all([org, user])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.browser
def test_a_gfm_page_reads_as_on_github(page: Any, live_app: Flask, live_url: str) -> None:
    from playwright.sync_api import expect

    window = _watch(page)
    page.goto("/login")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/program/showcase")
    expect(page.get_by_role("heading", level=1)).to_have_text("Markdown showcase")
    expect(page.get_by_role("heading", name="Budget", level=2)).to_have_id("budget")
    expect(page.get_by_role("cell", name="1,200")).to_have_css("text-align", "right")
    boxes = page.get_by_role("checkbox", name="Done")
    expect(boxes).to_have_count(2)
    expect(boxes.first).to_be_checked()
    expect(boxes.last).not_to_be_checked()
    expect(boxes.last).to_be_disabled()
    expect(page.locator("del")).to_have_text("Old price")
    expect(page.locator("li pre code")).to_have_text("make run\n")
    warning = page.locator(".callout-warning")
    expect(warning.locator(".callout-title")).to_have_text("Warning")
    expect(page.locator(".callout-tip .callout-title")).to_have_text("Tip")
    image = page.get_by_role("img", name="A blue box standing for the referral flow")
    expect(image).to_have_attribute("src", re.compile(r"^/content-images/images/flow\.png\?v="))
    image.evaluate("img => img.decode()")  # rejects when the image does not load
    assert_accessible(page, "GFM showcase page")
    # At a phone's width the callout box stays inside the screen (no sideways scrolling).
    page.set_viewport_size({"width": 390, "height": 844})
    box = warning.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    hidden = page.get_by_text("close more deals")
    expect(hidden).to_be_hidden()
    page.get_by_text("Why it matters").click()
    expect(hidden).to_be_visible()

    page.get_by_role("link", name="the budget").click()
    expect(page).to_have_url(re.compile(r"/program/showcase#budget$"))
    page.get_by_role("link", name="about quizzes").click()
    expect(page.locator("#quiz-1")).to_have_text("Quiz")
    page.get_by_role("link", name="1", exact=True).click()
    expect(page).to_have_url(re.compile(r"#fn-1$"))
    expect(page.get_by_role("link", name="Back to reference 1")).to_be_visible()
    assert window.dialogs == [] and window.problems == []
