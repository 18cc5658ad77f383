"""Search across pages, modules, kits and playbooks the user may see."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, url_for
from flask_login import current_user
from htmx_flask import request

from portal.accounts.access import login_required
from portal.content_runtime import current_content
from portal.extensions import limiter
from portal.http import render_page
from portal.kits.api import KIND_LABELS
from portal.search.service import search

# As-you-type sends a request per pause in typing: plenty for people, a ceiling for scripts.
SEARCH_LIMIT = "300 per minute;10000 per day"

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
@limiter.limit(SEARCH_LIMIT, key_func=lambda: f"search:{current_user.id}")
def results():
    """Results for `?q=`: the whole page, or only the results block for htmx (as you type)."""
    found = search(current_user, current_content(), request.args.get("q"))
    # The header box fills a panel on other pages: it then links to the full results page.
    current_path = urlsplit(request.htmx.current_url or "").path if request.htmx else ""
    return render_page(
        "search/results.html",
        "results",
        search=found,
        search_query=found.query,  # fills the header search box
        kit_kinds=KIND_LABELS,
        live=bool(request.htmx),
        in_panel=bool(request.htmx) and current_path != url_for("search.results"),
    )
