"""Demo questions for `make run`: a few answered (one marked worth an FAQ), one waiting on the
partner team after a follow-up, one new on track, and one past its first-response time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.accounts.models import User
from portal.content.model import ContentIndex
from portal.db_types import utcnow
from portal.extensions import db
from portal.questions.models import PartnerQuestion
from portal.questions.service import ask, reply, respond
from portal.questions.subjects import Subject


@dataclass(frozen=True)
class DemoQuestion:
    org: int  # index of the partner organisation (in the order of the demo users)
    person: int  # index of the asker within the organisation
    topic: str
    subject: str
    body: str
    hours_ago: float
    about: tuple[str, str] | None = None
    # (hours after asking, staff text, outcome, worth an FAQ) then optionally the partner's reply
    answer: tuple[float, str, str, bool] | None = None
    follow_up: tuple[float, str] | None = None


DEMO_QUESTIONS = (
    DemoQuestion(
        0, 0, "commissions", "When is a commission paid after the deal is won?",
        "Our first referral was won last week. When does the commission reach us, and do we "
        "need to send an invoice?",
        hours_ago=24 * 9, about=("page", "attribution-and-payouts"),
        answer=(3, "Commissions are approved after the hold period in the payout rules and "
            "paid in the next monthly run. No invoice is needed: the payout reference appears "
            "on your earnings page.", "answered", True),
    ),
    DemoQuestion(
        1, 0, "enablement", "Can a new colleague take the certification in one sitting?",
        "Marco joins our team next week. Can he take all the modules in a day, or is there a "
        "cooldown between quiz attempts?",
        hours_ago=24 * 5, about=("module", "referral-foundations/how-the-program-works"),
        answer=(6, "Yes: modules can be read in one sitting. Only a failed quiz has a cooldown "
            "before the next attempt.", "answered", False),
    ),
    DemoQuestion(
        0, 1, "referrals", "Does the protection window restart when the customer comes back?",
        "A customer we registered in spring went quiet and is now talking to us again. Is the "
        "registration still protected?",
        hours_ago=30, about=("page", "rules-of-engagement"),
        answer=(2, "Which referral is it? The window runs from the registration date, so it "
            "depends on when you registered it.", "waiting_on_partner", False),
        follow_up=(28, "It is our referral from April for the Halden account."),
    ),
    DemoQuestion(
        1, 1, "program", "Do reseller discounts stack with the referral commission?",
        "On a deal we both resell and referred, do we get the reseller discount and the "
        "referral commission, or one of them?",
        # A week unanswered: past its first-response time on any calendar (two working days
        # on the demo's business hours, even across a weekend and two holidays).
        hours_ago=24 * 7,
    ),
    DemoQuestion(
        0, 0, "enablement", "Can we change the headline of the co-branded landing page?",
        "We would like the landing page to lead with our own service. Is the headline ours "
        "to change?",
        hours_ago=1, about=("kit", "co-branded-landing-page"),
    ),
)  # fmt: skip


def load_demo_questions(
    users: Sequence[User], content: ContentIndex, now: datetime | None = None
) -> int:
    """Create the demo questions from the demo users (partners and staff); no commit."""
    if not content.program.governance.topics:
        return 0
    if db.session.scalar(sa.select(PartnerQuestion.id).limit(1)) is not None:
        return 0
    now = now or utcnow()
    db.session.flush()
    staff = [u for u in users if u.is_staff]
    by_org: dict[int, list[User]] = {}
    for user in users:
        if user.organization_id is not None and not user.is_staff:
            by_org.setdefault(user.organization_id, []).append(user)
    orgs = list(by_org.values())
    if not staff or not orgs:
        return 0
    program = content.program
    created = 0
    for demo in DEMO_QUESTIONS:
        if program.governance.topic(demo.topic) is None:
            continue
        members = orgs[demo.org % len(orgs)]
        asker = members[demo.person % len(members)]
        asked_at = now - timedelta(hours=demo.hours_ago)
        about = Subject(demo.about[0], demo.about[1], "", "") if demo.about else None
        question = ask(asker, demo.topic, demo.subject, demo.body, about, program, now=asked_at)
        created += 1
        if demo.answer is not None:
            hours, text, outcome, faq = demo.answer
            respond(staff[0], question, text, outcome, worth_faq=faq,
                    now=asked_at + timedelta(hours=hours))  # fmt: skip
        if demo.follow_up is not None:
            hours, text = demo.follow_up
            reply(asker, question, text, program, now=asked_at + timedelta(hours=hours))
    db.session.flush()
    return created
