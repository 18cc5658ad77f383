"""One id type for every id a request carries: out of range is "not found" or a message."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing.converters import NumberConverter

from portal.ids import ID_MAX, IdConverter, parse_id

HUGE = "9" * 5000  # past Python's int() digit limit (4,300)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (" 42 ", 42),
        (str(ID_MAX), ID_MAX),
        (str(ID_MAX + 1), None),
        ("99999999999999999999999", None),
        (HUGE, None),
        ("0", None),
        ("007", None),
        ("-1", None),
        ("+1", None),
        ("1e3", None),
        ("4 2", None),
        ("\u0661\u0662", None),  # Arabic-Indic digits: isdigit() but not an id
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_parse_id(text, expected) -> None:
    assert parse_id(text) == expected


def test_no_route_takes_a_bare_integer(app: Flask) -> None:
    """Ids in routes are `<id:...>`: werkzeug's own `int` has no upper bound."""
    bare = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for converter in (rule._converters or {}).values()
        if isinstance(converter, NumberConverter) and not isinstance(converter, IdConverter)
    ]
    assert not bare, f"use <id:...> for ids in these routes: {bare}"


@pytest.mark.parametrize(
    "segment", [HUGE, str(ID_MAX + 1), "99999999999999999999999", "0", "007", "-1"]
)
def test_an_id_out_of_range_in_a_url_is_not_found(client, login, partner_user, segment) -> None:
    login(partner_user)
    assert client.get(f"/certificates/{segment}").status_code == 404


def test_url_for_builds_ids(app: Flask) -> None:
    with app.test_request_context():
        from flask import url_for

        assert url_for("staff.org", org_id=7) == "/staff/orgs/7"
        with pytest.raises(ValueError):
            url_for("staff.org", org_id=0)


@pytest.mark.parametrize("name", ["owner", "organization_id"])
@pytest.mark.parametrize("value", [HUGE, "99999999999999999999999", str(ID_MAX + 1), "-3"])
@pytest.mark.parametrize("path", ["/inbox/", "/inbox/export.csv"])
def test_inbox_ignores_an_id_filter_out_of_range(
    client, login, staff_user, name, value, path
) -> None:
    login(staff_user)
    response = client.get(f"{path}?{name}={value}")
    assert response.status_code == 200
    if path == "/inbox/":
        assert "Unknown" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [HUGE, "99999999999999999999999", "0"])
def test_commission_list_cursor_out_of_range_is_a_message(client, login, staff_user, value):
    login(staff_user)
    response = client.get(f"/inbox/commissions?after={value}")
    assert response.status_code == 422
    assert "Enter a number from 1 to" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", [HUGE, "99999999999999999999999", "abc"])
def test_referral_list_cursor_out_of_range_shows_the_first_page(
    client, login, partner_user, make_referral, value
):
    referral = make_referral(partner_user)
    login(partner_user)
    response = client.get(f"/referrals?before={value}")
    assert response.status_code == 200
    assert referral.reference in response.get_data(as_text=True)
