"""Partner referral pages: the form, the live conflict hint, the list and one referral.

Every look-up goes through `referral_for` (scoped to the partner's organisation): another
organisation's referral is simply not found. Partners only ever see partner-visible events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import partner_required
from portal.accounts.models import User
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db, limiter
from portal.http import render_page
from portal.ids import parse_id
from portal.money import format_money
from portal.pagination import Page, cut_page
from portal.referrals import events, sla
from portal.referrals.forms import (
    COMPANY_NAME_MAX,
    EMAIL_MAX,
    WEBSITE_MAX,
    ReferralForm,
)
from portal.referrals.models import Commission, Referral, ReferralStatus
from portal.referrals.service import (
    INVOLVEMENTS,
    TIMINGS,
    company_looks_registered,
    org_referrals,
    referral_for,
    submit_referral,
)

# The hint says whether a company looks registered or is a customer: enough for typing a few
# forms a minute, too few to map the customer list by script.
HINT_LIMIT = "120 per minute;1000 per day"

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

PAGE_SIZE = 25
# The confirmation page shows the latest few; the full list is one link away.
RECENT_SIZE = 10


@dataclass(frozen=True)
class ReferralRow:
    """One line of the organisation's referral list."""

    referral: Referral
    stage: str
    owner_first_name: str | None
    next_step: str


# The organisation's referrals, newest first; the cursor (`?before=`) is a referral id.
ReferralPage = Page[ReferralRow, int]


def next_step(referral: Referral, now: datetime) -> str:
    """What happens next to a referral, in the partner's words."""
    if referral.status == ReferralStatus.CONFLICT:
        return "Under review under the rules of engagement"
    if referral.status == ReferralStatus.WON:
        return "Won: see the commission on your earnings page"
    if not referral.is_open:
        return "Closed"
    if referral.next_due_at is None:
        return "The partner team is working on it"
    words = sla.describe(sla.clock(referral.next_due_at, now))
    if referral.first_responded_at is None:
        return f"First response from the partner team {words}"
    return f"Next update from the partner team {words}"


def _owners_by_id(referrals: list[Referral]) -> dict[int, User]:
    """Every owner in one query (instead of one per row)."""
    ids = {r.owner_id for r in referrals if r.owner_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def _referral_page(organization_id: int, before: int | None, size: int) -> ReferralPage:
    found = org_referrals(organization_id, limit=size + 1, before_id=before)
    page = cut_page(found, size, cursor_of=lambda referral: referral.id, after=before)
    owners = _owners_by_id(page.rows)
    now = utcnow()
    return page.map(
        lambda r: ReferralRow(
            referral=r,
            stage=events.stage_name(r.status),
            owner_first_name=owners[r.owner_id].first_name if r.owner_id in owners else None,
            next_step=next_step(r, now),
        )
    )


def _before_arg() -> int | None:
    """`?before=<id>`; anything that is not a usable id shows the first page."""
    return parse_id(request.args.get("before"))


def _rules_url() -> str:
    """The rules-of-engagement page (the content names it), else the program's index."""
    pages = {p.id for p in current_content().partner_pages()}
    page_id = next((pid for pid in sorted(pages) if "rules" in pid), None)
    if page_id is None:
        return url_for("main.program_index")
    return url_for("main.program_page", page_id=page_id)


def _referral_or_404(ref: str) -> Referral:
    referral = referral_for(current_user, ref)
    if referral is None:
        abort(404)
    return referral


@bp.get("")
@partner_required
def index():
    """The organisation's referrals, newest first."""
    page = _referral_page(current_user.organization_id, _before_arg(), PAGE_SIZE)
    return render_page("referrals/index.html", "referral_list", page=page)


@bp.route("/new", methods=["GET", "POST"])
@partner_required
def new():
    """The referral form; a valid submission creates one referral per form key."""
    program = current_content().program
    form = ReferralForm()
    form.set_program(program)
    if form.validate_on_submit():
        submission = submit_referral(current_user, form.referral_input(), program)
        db.session.commit()
        return redirect(url_for("referrals.submitted", ref=submission.referral.reference))
    return render_page(
        "referrals/new.html",
        "referral_form",
        422 if form.errors else 200,
        form=form,
        program=program,
        rules_url=_rules_url(),
    )


@bp.get("/hint")
@partner_required
@limiter.limit(HINT_LIMIT, key_func=lambda: f"referral-hint:{current_user.id}")
def hint():
    """Whether the company looks registered already; never says by whom."""
    args = request.args
    registered = company_looks_registered(
        args.get("company_website", "")[:WEBSITE_MAX],
        args.get("contact_email", "")[:EMAIL_MAX],
        args.get("company_name", "")[:COMPANY_NAME_MAX],
    )
    return render_template(
        "referrals/_hint.html", registered=registered, rules_url=_rules_url() if registered else ""
    )


@bp.get("/<ref>/submitted")
@partner_required
def submitted(ref: str):
    """The confirmation: the reference, what happens next and by when, the organisation's list."""
    referral = _referral_or_404(ref)
    program = current_content().program
    now = utcnow()
    return render_template(
        "referrals/submitted.html",
        referral=referral,
        program=program,
        due_words=sla.describe(sla.clock(referral.first_response_due_at, now)),
        due_text=sla.due_text(referral.first_response_due_at, program),
        rules_url=_rules_url(),
        page=_referral_page(referral.organization_id, None, RECENT_SIZE),
    )


@bp.get("/<ref>")
@partner_required
def detail(ref: str):
    """One referral: status, owner, details, the partner-visible timeline and the commission."""
    referral = _referral_or_404(ref)
    commission = db.session.scalar(
        sa.select(Commission).where(
            Commission.referral_id == referral.id,
            Commission.organization_id == referral.organization_id,
        )
    )
    return render_template(
        "referrals/detail.html",
        referral=referral,
        stage=events.stage_name(referral.status),
        owner_first_name=referral.owner.first_name if referral.owner else None,
        timeline=events.timeline(referral.id, partner_view=True),
        event_title=events.event_title,
        next_step=next_step(referral, utcnow()),
        estimate=format_money(referral.estimated_value_minor, referral.estimated_currency),
        timing=TIMINGS.get(referral.expected_timing, referral.expected_timing),
        involvement=INVOLVEMENTS.get(referral.involvement, referral.involvement),
        commission=commission,
        commission_amount=(
            format_money(commission.amount_minor, commission.currency) if commission else ""
        ),
        # The earnings page's path; its views belong to portal.referrals.earnings_views.
        earnings_url=url_for("earnings.index"),
        rules_url=_rules_url(),
    )
