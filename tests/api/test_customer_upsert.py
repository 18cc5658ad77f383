"""The customer list from a CRM: batches upserted by the CSV upload's key and rules, all or
nothing, problems by row; the conflict check reads what was written."""

from __future__ import annotations

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.referrals import registration
from portal.referrals.api import CUSTOMER_BATCH_MAX
from portal.referrals.models import Customer
from tests.api.helpers import bearer, referral_body, token_for

URL = "/api/v1/customers/upsert"


def _listed() -> dict[str, str]:
    rows = db.session.execute(sa.select(Customer.domain, Customer.name))
    return {domain: name for domain, name in rows}  # noqa: C416 (Row pairs)


def test_upsert_adds_renames_and_keeps(client, admin_user, partner_admin) -> None:
    registration.add_customer_domain("contoso.com", "Contoso", admin_user.id)
    registration.add_customer_domain("fabrikam.com", "Fabrikam", admin_user.id)
    db.session.commit()
    staff = bearer(token_for(admin_user, "customers:write"))
    batch = [
        {"domain": "https://www.Northwind-Traders.com/about", "name": "Northwind"},
        {"domain": "contoso.com", "name": "Contoso Group"},
        {"domain": "fabrikam.com"},  # no name: the listed one stays
        {"domain": "northwind-traders.com", "name": "Another name"},  # the first row's name wins
    ]
    response = client.post(URL, json={"customers": batch}, headers=staff)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["added"], body["renamed"], body["unchanged"]) == (1, 1, 2)
    assert [(row["index"], row["domain"], row["outcome"]) for row in body["customers"]] == [
        (0, "northwind-traders.com", "added"),
        (1, "contoso.com", "renamed"),
        (2, "fabrikam.com", "unchanged"),
        (3, "northwind-traders.com", "repeated"),
    ]
    assert _listed() == {
        "contoso.com": "Contoso Group",
        "fabrikam.com": "Fabrikam",
        "northwind-traders.com": "Northwind",
    }
    again = client.post(URL, json={"customers": batch}, headers=staff).get_json()
    assert (again["added"], again["renamed"]) == (0, 0)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("customers.upserted") == 2
    assert actions.count("api.write") == 2
    # The conflict check reads the list: a referral for the new customer is a conflict.
    submitted = client.post(
        "/api/v1/referrals",
        json=referral_body(),
        headers={**bearer(token_for(partner_admin, "referrals:write")), "Idempotency-Key": "c1"},
    )
    assert submitted.get_json()["status"] == "conflict"


def test_a_bad_row_writes_nothing_and_is_named_by_index(client, admin_user) -> None:
    staff = bearer(token_for(admin_user, "customers:write"))
    batch = [
        {"domain": "good.com", "name": "Good"},
        {"domain": "gmail.com", "name": "Free mail"},
        {"domain": "fine.com", "name": "x" * 250},
        {"domain": "   "},
    ]
    response = client.post(URL, json={"customers": batch}, headers=staff)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["detail"] == "Nothing was written: 3 rows have a problem."
    errors = problem["errors"]["json"]["customers"]
    assert sorted(errors) == ["1", "2", "3"]
    assert "not a usable company domain" in errors["1"]["domain"][0]
    assert errors["2"]["name"] == ["The name is longer than 200 characters."]
    assert errors["3"]["domain"] == ["The domain is blank."]
    assert _listed() == {}
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1  # the token only


def test_batches_are_bounded_and_need_the_scope(client, admin_user) -> None:
    staff = bearer(token_for(admin_user, "customers:write"))
    rows = [{"domain": f"c{n}.com"} for n in range(CUSTOMER_BATCH_MAX + 1)]
    too_many = client.post(URL, json={"customers": rows}, headers=staff)
    assert too_many.status_code == 422
    assert "customers" in too_many.get_json()["errors"]["json"]
    empty = client.post(URL, json={"customers": []}, headers=staff)
    assert empty.status_code == 422
    long_domain = client.post(URL, json={"customers": [{"domain": "a" * 301}]}, headers=staff)
    assert long_domain.status_code == 422
    assert "0" in long_domain.get_json()["errors"]["json"]["customers"]
    full = client.post(URL, json={"customers": rows[:CUSTOMER_BATCH_MAX]}, headers=staff)
    assert full.status_code == 200
    assert full.get_json()["added"] == CUSTOMER_BATCH_MAX
    reader = bearer(token_for(admin_user, "referrals:read"))
    assert client.post(URL, json={"customers": rows[:1]}, headers=reader).status_code == 403
