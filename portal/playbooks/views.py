"""Playbook pages: the library by kind and tag, one item with its related items.

`/playbooks?kind=&tag=` is the library; `/playbooks/<kind>` is the same library for one kind
(so trimming an item's URL still lands somewhere); `/playbooks/<kind>/<id>` is one item. An
item the partner may not see answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import partner_required
from portal.audit.service import record_content_view_and_commit
from portal.content.library import PLAYBOOK_KINDS
from portal.content_runtime import current_content
from portal.http import render_page
from portal.playbooks import service

bp = Blueprint("playbooks", __name__, url_prefix="/playbooks")

LIBRARY_PAGE = "playbooks/library.html"


def _library_page(kind: str | None):
    shown = service.library(current_user, current_content(), kind, request.args.get("tag"))
    return render_page(LIBRARY_PAGE, "library", library=shown)


@bp.get("")
@partner_required
def library():
    """The playbooks the partner may see, by kind, filtered by `?kind=` and `?tag=`."""
    return _library_page(request.args.get("kind"))


@bp.get("/<kind>")
@partner_required
def kind(kind: str):
    """The library for one kind of playbook (`?tag=` still filters)."""
    if kind not in PLAYBOOK_KINDS:
        abort(404)
    return _library_page(kind)


@bp.get("/<kind>/<playbook_id>")
@partner_required
def item(kind: str, playbook_id: str):
    """One playbook: its kind's own blocks, the body, tags and the related items."""
    index = current_content()
    playbook = service.playbook_for(current_user, index, kind, playbook_id)
    if playbook is None:
        abort(404)
    if request.method == "GET":  # a content view, at most once a day (engagement)
        record_content_view_and_commit(current_user, f"playbook:{playbook.kind}/{playbook.id}")
    return render_template(
        "playbooks/item.html",
        playbook=playbook,
        kind_name=service.kind_name(playbook.kind),
        related=service.related_for(current_user, index, playbook),
        kind_singular=service.KIND_SINGULAR,
    )
