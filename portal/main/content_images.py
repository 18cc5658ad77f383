"""Images used in content (`content/images/`, images beside a module), as pages ask for them.

Only files the loaded index lists are served (portal.content.images checked their type and,
for SVG, that nothing in them can run), by their path in content. Pages use each image's
versioned address (`?v=<hash>`): that answer is cached for a year; any other for five minutes.
Viewing an image is just that: no download is recorded and no onboarding step is ticked.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, request

from portal.accounts.access import login_required
from portal.content.images import VERSION_LENGTH
from portal.content_runtime import current_content
from portal.http import shared_cache
from portal.main.brand import LOGO_POLICY, SHORT_SECONDS, YEAR_SECONDS

bp = Blueprint("content_images", __name__)


@bp.get("/content-images/<path:rel>")
@shared_cache  # sets its own Cache-Control (private: for signed-in people only)
@login_required
def image(rel: str) -> Response:
    """One content image, by its path in content; 404 for anything the index does not list."""
    index = current_content()
    found = index.images.get(rel)
    if found is None:
        abort(404)
    try:  # at most MAX_IMAGE_BYTES, checked at load
        data = (Path(index.root) / found.rel).read_bytes()
    except OSError:  # removed since the load; the next load reports the broken image
        abort(404)
    response = Response(data, mimetype=found.media_type)
    response.set_etag(found.sha256)
    response.cache_control.private = True
    if request.args.get("v") == found.sha256[:VERSION_LENGTH]:
        response.cache_control.max_age = YEAR_SECONDS
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = SHORT_SECONDS
    response.headers["X-Content-Type-Options"] = "nosniff"
    if found.media_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = LOGO_POLICY
    response.make_conditional(request)  # a 304 when the browser's copy is current
    return response
