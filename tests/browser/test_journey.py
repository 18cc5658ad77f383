"""The enablement journey in a real browser, with axe-core on the key pages.

Staff invite a partner admin → the invite link (read from the outbox) → set a password →
tick an onboarding step → fail a quiz → pass it → finish the path → /verify/<code> says valid.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role, User
from portal.content_runtime import current_content
from portal.extensions import db
from portal.learning.models import Certification, QuizAttempt
from portal.notify.models import OutboxMessage

PASSWORD = "a long enough partner password"


def assert_accessible(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"axe-core on {name}:\n{results.generate_report()}"


def _answer_quiz(page: Any, app: Flask, module_id: str, *, correctly: bool) -> None:
    """Answer the open attempt shown on the page, right or wrong, and submit it."""
    from playwright.sync_api import expect

    # The attempt exists once its questions are on the page.
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    with app.app_context():
        attempt = db.session.scalar(
            sa.select(QuizAttempt)
            .where(QuizAttempt.module_id == module_id, QuizAttempt.submitted_at.is_(None))
            .order_by(QuizAttempt.id.desc())
        )
        assert attempt is not None, "an attempt was started"
        module = current_content().paths["basics"].module(module_id)
        assert module is not None and module.quiz is not None
        plan = attempt.questions
        questions = {q.id: q for q in module.quiz.questions}
    for entry in plan:
        question = questions[entry["id"]]
        keys = sorted(question.correct_keys)
        if not correctly:
            keys = [next(c.key for c in question.choices if not c.correct)]
        for key in keys:
            page.locator(f'input[name="q-{question.id}"][value="{key}"]').check()
    page.get_by_role("button", name=re.compile("Submit", re.I)).click()


@pytest.mark.browser
def test_invite_to_verified_certificate(page: Any, live_app: Flask, live_url: str) -> None:
    from playwright.sync_api import expect

    with live_app.app_context():
        staff = User(email="staff@vendor.example", name="Sam Staff", role=Role.STAFF)
        staff.set_password(PASSWORD)
        db.session.add(staff)
        db.session.commit()

    # Staff sign in and invite a partner organisation's first admin.
    page.goto("/login")
    page.get_by_label("E-mail").fill("staff@vendor.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/staff/orgs/new")
    assert_accessible(page, "new organisation form")
    page.get_by_label("Organisation name").fill("Brightline Consulting")
    page.get_by_label("Partner type").select_option("referral")
    page.get_by_label("Region (optional)").select_option("Europe")
    page.get_by_label("First partner admin's e-mail").fill("priya@brightline.example")
    page.get_by_role("button", name="Create and send invitation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brightline Consulting")
    expect(page.locator(".flashes")).to_contain_text("invitation sent to priya@brightline.example")
    expect(page.locator("#details-heading + dl.details")).to_contain_text("Europe")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    # The invite link comes from the outbox, as the e-mail would carry it.
    with live_app.app_context():
        message = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.to_email == "priya@brightline.example")
        )
        assert message is not None
        link = re.search(r"https?://\S+/invite/[\w-]+", message.body_text)
        assert link, message.body_text
    page.goto(link.group(0))
    page.get_by_label("Your name").fill("Priya Shah")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya")
    assert_accessible(page, "partner home")

    # Tick the agreement on the onboarding checklist: htmx swaps the step and the progress.
    page.goto("/onboarding")
    assert_accessible(page, "onboarding checklist")
    progress = page.locator("#onboarding-progress [role=status]")
    expect(progress).to_contain_text("0 of")
    step_id = (
        page.locator("ol.steps > li")
        .filter(has=page.get_by_role("button", name="Mark as done"))
        .first.get_attribute("id")
    )
    page.locator(f"#{step_id}").get_by_role("button", name="Mark as done").click()
    expect(page.locator(f"#{step_id} .step-state")).to_contain_text("Done")
    expect(progress).to_contain_text("1 of")
    page.reload()
    expect(progress).to_contain_text("1 of")
    expect(page.locator(f"#{step_id} .step-state")).to_contain_text("Done")

    # Module 1 has no quiz: read and complete it.
    page.goto("/learn/basics/welcome")
    page.get_by_role("button", name=re.compile("complete", re.I)).click()
    expect(page.locator(".flashes")).to_contain_text("is complete.")

    # Module 2: fail the quiz, then pass it.
    page.goto("/learn/basics/qualifying")
    assert_accessible(page, "module page")
    page.get_by_role("button", name=re.compile("Start", re.I)).click()
    _answer_quiz(page, live_app, "qualifying", correctly=False)
    expect(page.locator("#quiz [role=status]")).to_contain_text("Not passed")
    page.goto("/learn/basics/qualifying")
    page.get_by_role("button", name=re.compile("Start|Try again", re.I)).click()
    _answer_quiz(page, live_app, "qualifying", correctly=True)
    expect(page.locator("#quiz [role=status] .badge")).to_have_text("Passed")

    # Module 3 draws and shuffles its questions; pass it to finish the path.
    page.goto("/learn/basics/handover")
    page.get_by_role("button", name=re.compile("Start", re.I)).click()
    _answer_quiz(page, live_app, "handover", correctly=True)
    expect(page.locator("#quiz")).to_contain_text("You completed")

    with live_app.app_context():
        cert = db.session.scalar(sa.select(Certification))
        assert cert is not None, "passing every module issues a certificate"
        code = cert.code

    # Anyone can verify it, signed in or not.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto(f"/verify/{code}")
    expect(page.locator("#verify-status")).to_have_text("Valid")
    expect(page.locator("main")).to_contain_text("Certified Basics Partner")
    assert_accessible(page, "verification page")
    assert page.dialogs == []
