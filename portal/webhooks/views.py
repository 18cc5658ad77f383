"""Webhook pages for staff admins, under /admin/webhooks: endpoints, their deliveries, replay.

A secret is shown once, in the response to the form that made it (registration or rotation),
and never in a redirect or a later page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from portal.accounts.access import admin_required
from portal.db_types import utcnow
from portal.extensions import db
from portal.http import render_page
from portal.webhooks import endpoints as rules
from portal.webhooks.address_guard import allowed_hosts
from portal.webhooks.forms import ButtonForm, EndpointForm
from portal.webhooks.history import deliveries_csv, delivery_of, recent_deliveries
from portal.webhooks.models import WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


def _allowed() -> frozenset[str]:
    return allowed_hosts(current_app.config["WEBHOOK_ALLOWED_HOSTS"])


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = rules.get_endpoint(endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _list_page(form: EndpointForm, status: int = 200, secret: str = "", new_id: int = 0) -> Any:
    return render_page(
        "webhooks/endpoints.html",
        "endpoint_list",
        status,
        form=form,
        endpoints=rules.endpoints(),
        secret=secret,
        new_id=new_id,
    )


def _endpoint_page(endpoint: WebhookEndpoint, status: int = 200, secret: str = "") -> Any:
    return render_page(
        "webhooks/endpoint.html",
        "deliveries",
        status,
        endpoint=endpoint,
        deliveries=recent_deliveries(endpoint.id),
        button_form=ButtonForm(),
        secret=secret,
        now=utcnow(),
    )


@admin_required
def endpoints() -> Any:
    """The registered endpoints; the form registers one and shows its secret once."""
    form = EndpointForm()
    if not form.validate_on_submit():
        return _list_page(form, 422 if form.errors else 200)
    try:
        created = rules.register_endpoint(
            current_user,
            form.url.data or "",
            form.event_types.data or [],
            form.description.data or "",
            _allowed(),
        )
    except rules.EndpointRefused as refused:
        getattr(form, refused.field).errors = [refused.message]
        return _list_page(form, 422)
    db.session.commit()
    return _list_page(EndpointForm(formdata=None), 201, created.secret, created.endpoint.id)


@admin_required
def endpoint(endpoint_id: int) -> Any:
    """One endpoint: its settings, its recent deliveries with replay buttons, its secret."""
    return _endpoint_page(_endpoint_or_404(endpoint_id))


@admin_required
def rotate(endpoint_id: int) -> Any:
    """Give the endpoint a new secret (shown once); the old one signs alongside for a while."""
    endpoint = _endpoint_or_404(endpoint_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    hours = int(current_app.config["WEBHOOK_SECRET_OVERLAP_HOURS"])
    created = rules.rotate_secret(current_user, endpoint, timedelta(hours=hours))
    db.session.commit()
    return _endpoint_page(endpoint, 200, created.secret)


@admin_required
def enable(endpoint_id: int) -> BaseResponse:
    """Turn a disabled endpoint back on; its waiting deliveries go out again."""
    endpoint = _endpoint_or_404(endpoint_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if rules.enable_endpoint(current_user, endpoint):
        db.session.commit()
        flash("The endpoint is enabled: waiting deliveries go out again.", "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@admin_required
def delete(endpoint_id: int) -> BaseResponse:
    """Delete the endpoint and its delivery history."""
    endpoint = _endpoint_or_404(endpoint_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    url = endpoint.url
    rules.delete_endpoint(current_user, endpoint)
    db.session.commit()
    flash(f"The endpoint {url} is deleted: it receives nothing more.", "success")
    return redirect(url_for("webhooks.endpoints"))


@admin_required
def replay(endpoint_id: int, delivery_id: int) -> BaseResponse:
    """Send a delivery's event again (same webhook-id, fresh attempts)."""
    endpoint = _endpoint_or_404(endpoint_id)
    delivery = delivery_of(endpoint.id, delivery_id)
    if delivery is None:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    rules.replay_delivery(current_user, delivery)
    db.session.commit()
    flash(
        f"{delivery.event.event_type} {delivery.event.message_id} is queued to be sent again.",
        "success",
    )
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@admin_required
def export(endpoint_id: int) -> Response:
    """The endpoint's recent deliveries as CSV."""
    endpoint = _endpoint_or_404(endpoint_id)
    response = Response(stream_with_context(deliveries_csv(endpoint.id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=webhook-{endpoint.id}-deliveries-{utcnow():%Y%m%d}.csv"
    )
    return response


bp.add_url_rule("", view_func=endpoints, methods=["GET", "POST"])
bp.add_url_rule("/<id:endpoint_id>", view_func=endpoint)
bp.add_url_rule("/<id:endpoint_id>/rotate", view_func=rotate, methods=["POST"])
bp.add_url_rule("/<id:endpoint_id>/enable", view_func=enable, methods=["POST"])
bp.add_url_rule("/<id:endpoint_id>/delete", view_func=delete, methods=["POST"])
bp.add_url_rule(
    "/<id:endpoint_id>/deliveries/<id:delivery_id>/replay", view_func=replay, methods=["POST"]
)
bp.add_url_rule("/<id:endpoint_id>/deliveries.csv", view_func=export)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
