"""The vendor's brand as the browser fetches it: /brand.css, the logo and the favicon.

All three come from content/brand/ (portal.content.brand checks them at load). Pages link
them with `?v=<brand version>`, so a versioned request is cached for a year; without the
version (or with an old one) for five minutes. Each answer carries an ETag.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, request

from portal.accounts.access import public
from portal.content.model import Brand
from portal.content_runtime import current_brand
from portal.http import shared_cache

bp = Blueprint("brand", __name__)

YEAR_SECONDS = 365 * 24 * 3600
SHORT_SECONDS = 300
# The logo's own address may be opened as a document: nothing in it may run or load.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def brand_stylesheet(brand: Brand) -> str:
    """The custom properties of app.css that the brand sets (served after app.css)."""
    return (
        f"/* {_css_comment(brand.name)} brand colours, from content/brand/brand.yml */\n"
        ":root {\n"
        f"  --brand: {brand.primary};\n"
        f"  --brand-dark: {brand.primary_dark};\n"
        f"  --on-brand: {brand.on_primary};\n"
        "}\n"
    )


def _css_comment(text: str) -> str:
    return text.replace("*/", "* /")


def _cached(body: str | bytes, mimetype: str, brand: Brand) -> Response:
    response = Response(body, mimetype=mimetype)
    response.set_etag(brand.version)
    response.cache_control.public = True
    if request.args.get("v") == brand.version:
        response.cache_control.max_age = YEAR_SECONDS
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = SHORT_SECONDS
    response.make_conditional(request)  # a 304 when the browser's copy is current
    return response


@bp.get("/brand.css")
@shared_cache
@public
def stylesheet():
    """The brand's colours as CSS custom properties."""
    brand = current_brand()
    return _cached(brand_stylesheet(brand), "text/css", brand)


@bp.get("/brand/logo.svg")
@shared_cache
@public
def logo():
    """The vendor's logo (an SVG checked at content load), shown as an image."""
    brand = current_brand()
    if brand.logo_svg is None:
        abort(404)
    response = _cached(brand.logo_svg, "image/svg+xml", brand)
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    return response


@bp.get("/favicon.ico")
@shared_cache
@public
def favicon():
    """The vendor's favicon; 404 when content/brand/ has none."""
    brand = current_brand()
    if brand.favicon is None:
        abort(404)
    response = _cached(brand.favicon, brand.favicon_type, brand)
    if brand.favicon_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = LOGO_POLICY
    return response


def _brand_context() -> dict[str, Brand]:
    return {"brand": current_brand()}


def init_app(app: Flask) -> None:
    """Serve the brand's files and give every template (pages and e-mails) `brand`."""
    app.register_blueprint(bp)
    app.context_processor(_brand_context)
