"""The partner team's handbook: staff-only pages and playbooks (`audience: staff` in content).

`/staff/handbook` lists them, `/staff/handbook/pages/<page>` and `/staff/handbook/<kind>/<id>`
show one. Staff only; a document every partner reads answers 404 here, exactly like one that
does not exist (partners read those at /program and /playbooks, where staff-only ones 404).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal.accounts.access import staff_required
from portal.content_runtime import current_content
from portal.playbooks import service

bp = Blueprint("handbook", __name__, url_prefix="/staff/handbook")


@bp.get("")
@staff_required
def index():
    """The staff-only pages and playbooks, pages first."""
    content = current_content()
    return render_template(
        "playbooks/handbook.html",
        pages=content.staff_pages(),
        playbooks=service.visible_playbooks(current_user, content),
        kind_singular=service.KIND_SINGULAR,
    )


@bp.get("/pages/<page_id>")
@staff_required
def page(page_id: str):
    """One staff-only page."""
    found = current_content().pages.get(page_id)
    if found is None or not found.staff_only:
        abort(404)
    return render_template("playbooks/handbook_page.html", page=found)


@bp.get("/<kind>/<playbook_id>")
@staff_required
def item(kind: str, playbook_id: str):
    """One staff-only playbook with its (staff-only) related items."""
    index = current_content()
    playbook = service.playbook_for(current_user, index, kind, playbook_id)
    if playbook is None:
        abort(404)
    return render_template(
        "playbooks/handbook_item.html",
        playbook=playbook,
        kind_name=service.kind_name(playbook.kind),
        related=service.related_for(current_user, index, playbook),
        kind_singular=service.KIND_SINGULAR,
    )
