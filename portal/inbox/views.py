"""The staff inbox's pages: the list, one referral, the row's action forms, the CSV export.

The actions themselves (one POST each) are in portal/inbox/action_views.py; the URL of every
view is in portal/inbox/blueprint.py.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    render_template,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import staff_required
from portal.audit.service import record_audit
from portal.content.model import Program
from portal.content_runtime import current_content
from portal.database import writes_database
from portal.db_types import utcnow
from portal.extensions import db
from portal.http import render_page
from portal.inbox.counts import attention_counts
from portal.inbox.detail import age_text, referral_by_reference, referral_detail
from portal.inbox.export import export_csv
from portal.inbox.forms import (
    ActionForm,
    AssignForm,
    LostForm,
    NoteForm,
    RejectForm,
    UpdateForm,
    ValueForm,
    WonForm,
)
from portal.inbox.listing import (
    SLA_FILTERS,
    inbox_page,
    parse_filters,
    staff_choices,
    status_choices,
)
from portal.money import format_money
from portal.referrals import api as referrals
from portal.referrals.api import (
    INVOLVEMENTS,
    TIMINGS,
    UNACCEPTED,
    describe,
    event_title,
    next_stage,
    parse_reference,
    stage_name,
)
from portal.referrals.models import Referral
from portal.urls import local_target

LIST_PAGE = "inbox/index.html"
REFERRAL_PAGE = "inbox/referral.html"
ROW_TEMPLATE = "inbox/_row.html"
ROW_ID_PREFIX = "referral-row-"

# The forms of the referral page and the rows, by action name.
FORMS: dict[str, type[ActionForm]] = {
    "assign": AssignForm,
    "accept": ActionForm,
    "reject": RejectForm,
    "advance": ActionForm,
    "update": UpdateForm,
    "note": NoteForm,
    "value": ValueForm,
    "won": WonForm,
    "lost": LostForm,
}


def template_helpers(program: Program) -> dict[str, Any]:
    """Functions the inbox templates call."""
    return {
        "program": program,
        "describe": describe,
        "age_text": age_text,
        "stage_name": stage_name,
        "event_title": event_title,
        "format_money": format_money,
        "next_stage": lambda referral: next_stage(referral, program),
    }


def blank_forms(program: Program, staff: list[tuple[int, str]]) -> dict[str, ActionForm]:
    forms = {name: cls(formdata=None) for name, cls in FORMS.items()}
    prepare_forms(forms, program, staff)
    return forms


def prepare_forms(
    forms: dict[str, ActionForm], program: Program, staff: list[tuple[int, str]]
) -> None:
    for form in forms.values():
        if isinstance(form, AssignForm):
            form.set_staff(staff)
        if isinstance(form, ValueForm | WonForm):
            form.set_program(program)


@staff_required
def index():
    """The referral inbox: filters, search, rows with SLA clocks and row actions."""
    program = current_content().program
    filters = parse_filters(request.args)
    page = inbox_page(filters, current_user, cursor=request.args.get("cursor"))
    staff = staff_choices()
    return render_page(
        LIST_PAGE,
        "results",
        filters=filters,
        page=page,
        staff=staff,
        statuses=status_choices(),
        sla_filters=SLA_FILTERS,
        attention=attention_counts(current_user),
        here=request.full_path.rstrip("?"),
        **template_helpers(program),
    )


@writes_database
@staff_required
def export():
    """The filtered list as CSV (formula-guarded), streamed."""
    filters = parse_filters(request.args)
    # The file carries partners' contacts: who took which list, and when, is on record.
    record_audit(current_user, "referrals.exported", "referral", "csv", after=filters.as_args())
    db.session.commit()
    lines = export_csv(filters, current_user)
    response = Response(stream_with_context(lines), mimetype="text/csv")
    filename = f"referrals-{utcnow():%Y%m%d}.csv"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@staff_required
def row_actions(ref: str):
    """The long action forms of one list row, fetched when its "More actions" opens."""
    referral_id = parse_reference(ref)
    found = db.session.get(Referral, referral_id) if referral_id is not None else None
    if found is None:
        abort(404)
    program = current_content().program
    body = render_template(
        "inbox/_row_more.html",
        r=found,
        target=f"{ROW_ID_PREFIX}{found.id}",
        here=local_target(request.args.get("next"), within="/inbox") or url_for("inbox.index"),
        unaccepted=found.status in UNACCEPTED,
        forms=blank_forms(program, staff_choices()),
        **template_helpers(program),
    )
    response = Response(body)
    response.vary.add("HX-Request")
    return response


@writes_database
@staff_required
def referral(ref: str):
    """One referral: what was submitted, the full timeline, conflicts, the partner, actions."""
    found = referral_by_reference(ref)
    if found is None:
        abort(404)
    if referrals.mark_opened(found, current_user):
        db.session.commit()  # opened by the partner team: no longer new in the inbox
    return referral_page(found)


def referral_page(
    found: Referral,
    status: int = 200,
    *,
    bound: dict[str, ActionForm] | None = None,
    notice: str = "",
    action_error: str = "",
) -> Response:
    content = current_content()
    staff = staff_choices()
    forms = blank_forms(content.program, staff)
    for name, form in (bound or {}).items():
        prepare_forms({name: form}, content.program, staff)
        forms[name] = form
    return render_page(
        REFERRAL_PAGE,
        "panel",
        status,
        referral=found,
        detail=referral_detail(found, content),
        forms=forms,
        notice=notice,
        action_error=action_error,
        here="",
        timings=TIMINGS,
        involvements=INVOLVEMENTS,
        **template_helpers(content.program),
    )
