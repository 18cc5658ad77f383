"""The inbox's URL map: exactly these routes, registered by the blueprints' own modules."""

from __future__ import annotations

from flask import Blueprint, Flask

from portal.inbox import action_views, blueprint, views

# endpoint -> (rule, method); HEAD and OPTIONS come with every GET and POST.
INBOX_ROUTES: dict[str, tuple[str, str]] = {
    "inbox.index": ("/inbox/", "GET"),
    "inbox.export": ("/inbox/export.csv", "GET"),
    "inbox.row_actions": ("/inbox/<ref>/actions", "GET"),
    "inbox.referral": ("/inbox/<ref>", "GET"),
    "inbox.assign": ("/inbox/<ref>/assign", "POST"),
    "inbox.accept": ("/inbox/<ref>/accept", "POST"),
    "inbox.reject": ("/inbox/<ref>/reject", "POST"),
    "inbox.advance": ("/inbox/<ref>/advance", "POST"),
    "inbox.update": ("/inbox/<ref>/update", "POST"),
    "inbox.note": ("/inbox/<ref>/note", "POST"),
    "inbox.value": ("/inbox/<ref>/value", "POST"),
    "inbox.won": ("/inbox/<ref>/won", "POST"),
    "inbox.lost": ("/inbox/<ref>/lost", "POST"),
    "inbox_commissions.index": ("/inbox/commissions", "GET"),
    "inbox_commissions.approve": ("/inbox/commissions/<id:commission_id>/approve", "POST"),
    "inbox_commissions.pay": ("/inbox/commissions/<id:commission_id>/pay", "POST"),
    "inbox_commissions.resolve": ("/inbox/commissions/disputes/<id:dispute_id>/resolve", "POST"),
    "customers.index": ("/inbox/customers", "GET"),
    "customers.add": ("/inbox/customers", "POST"),
    "customers.upload": ("/inbox/customers/upload", "POST"),
    "customers.remove": ("/inbox/customers/<id:customer_id>/delete", "POST"),
}
INBOX_BLUEPRINTS = {"inbox", "inbox_commissions", "customers"}


def test_the_url_map_holds_exactly_the_inbox_routes(app: Flask) -> None:
    found = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in INBOX_BLUEPRINTS:
            methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
            assert len(methods) == 1, rule
            found[rule.endpoint] = (rule.rule, methods.pop())
    assert found == INBOX_ROUTES


def test_the_view_modules_register_nothing_the_table_does() -> None:
    """Importing a module of views adds no route: blueprint.py's table is the inbox's URLs."""
    for module in (views, action_views):
        assert not any(isinstance(value, Blueprint) for value in vars(module).values())
    table = {
        f"inbox.{route.endpoint}": (f"/inbox{route.rule}", route.method)
        for route in blueprint.ROUTES
    }
    assert table == {k: v for k, v in INBOX_ROUTES.items() if k.startswith("inbox.")}
