"""The customer list pages: search, add, remove, CSV upload (the rules: tests/referrals)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.inbox.customers import list_customers
from portal.referrals import registration
from portal.referrals.models import Customer


def _domains() -> list[str]:
    return list(db.session.scalars(sa.select(Customer.domain).order_by(Customer.domain)))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


# --- the list as staff read it ----------------------------------------------------------


def test_list_customers_searches_and_pages_by_domain(app, staff_user):
    for n in range(7):
        registration.add_customer_domain(f"company{n}.com", f"Company {n}", staff_user.id)
    registration.add_customer_domain("percent.com", "100% Real", staff_user.id)
    db.session.commit()
    seen, cursor = [], None
    while True:
        page = list_customers("", cursor, limit=3)
        seen += [customer.domain for customer in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 8
    assert [c.domain for c in list_customers("COMPANY 3").rows] == ["company3.com"]
    assert [c.domain for c in list_customers("%").rows] == ["percent.com"]
    assert list_customers("_").rows == []


# --- the pages -----------------------------------------------------------------------------


def _upload(client, data: bytes, filename: str = "customers.csv"):
    response = client.post(
        "/inbox/customers/upload",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def test_page_lists_and_searches(app, login, staff_user):
    registration.add_customer_domain("umbrella.com", "<b>Umbrella</b>", staff_user.id)
    db.session.commit()
    client = login(staff_user)
    page = client.get("/inbox/customers")
    assert page.status_code == 200
    assert b"umbrella.com" in page.data
    assert b"&lt;b&gt;Umbrella&lt;/b&gt;" in page.data and b"<b>Umbrella" not in page.data
    found = client.get("/inbox/customers?q=umbr", headers={"HX-Request": "true"})
    assert found.status_code == 200 and b"umbrella.com" in found.data
    assert b"<html" not in found.data  # htmx gets the results only
    none = client.get("/inbox/customers?q=%3Cscript%3E")
    assert b"&lt;script&gt;" in none.data and b"<script>" not in none.data.split(b"</head>")[1]


def test_upload_page_happy_path_with_bom(app, login, staff_user):
    client = login(staff_user)
    data = "\ufeffname,domain\nAcme,acme.com\nGlobex,globex.com\n".encode()
    response = _upload(client, data)
    assert response.status_code == 302
    assert _domains() == ["acme.com", "globex.com"]
    page = client.get("/inbox/customers")
    assert "Imported customers.csv: 2 added, 0 already on the list" in page.get_data(as_text=True)


def test_upload_with_problems_stores_nothing_and_shows_them(app, login, staff_user):
    client = login(staff_user)
    response = _upload(client, b"name,domain\nAcme,acme.com\nFree,hotmail.com\n", "list.csv")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nothing was imported" in body
    assert "list.csv:3: “hotmail.com” is not a usable company domain" in body
    assert _domains() == []


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        ("name,domain\nCafé,café.fr\n".encode("latin-1"), "c.csv", "not UTF-8 text"),
        (b"name,domain\nA,a.com\n", "c.xlsx", "ends in .csv"),
        (b"x" * (8 * 1024 * 1024 + 10), "big.csv", "larger than 8 MB"),
    ],
)
def test_upload_refuses_bad_files(app, login, staff_user, data, filename, message):
    client = login(staff_user)
    response = _upload(client, data, filename)
    assert response.status_code in (413, 422)
    assert message in response.get_data(as_text=True)
    assert _domains() == []


def test_upload_without_a_file(app, login, staff_user):
    response = login(staff_user).post("/inbox/customers/upload", data={})
    assert response.status_code == 422
    assert "Choose a .csv file to upload." in response.get_data(as_text=True)


def test_add_and_remove_pages(app, login, staff_user):
    client = login(staff_user)
    bad = client.post("/inbox/customers", data={"website_or_domain": "gmail.com"})
    assert bad.status_code == 422
    assert "is not a usable company domain" in bad.get_data(as_text=True)
    empty = client.post("/inbox/customers", data={})
    assert empty.status_code == 422 and "Enter the customer" in empty.get_data(as_text=True)
    assert _domains() == []

    added = client.post("/inbox/customers", data={"website_or_domain": "https://acme.com"})
    assert added.status_code == 302
    assert _domains() == ["acme.com"]
    customer_id = db.session.scalar(sa.select(Customer.id))
    removed = client.post(f"/inbox/customers/{customer_id}/delete")
    assert removed.status_code == 302 and _domains() == []
    again = client.post(f"/inbox/customers/{customer_id}/delete", follow_redirects=True)
    assert "no longer on the list" in again.get_data(as_text=True)
    assert len(_audit("customer.added")) == 1 and len(_audit("customer.removed")) == 1


def test_referral_for_a_listed_customer_is_a_conflict(
    app, login, staff_user, partner_user, make_referral
):
    login(staff_user).post("/inbox/customers", data={"website_or_domain": "umbrella-corp.com"})
    referral = make_referral(partner_user, company_website="https://www.umbrella-corp.com")
    assert referral.status == "conflict" and referral.conflict_reason == "customer"


@pytest.mark.parametrize("role", ["anonymous", "partner"])
def test_oversized_upload_reveals_nothing_to_others(app, login, partner_user, staff_user, role):
    registration.add_customer_domain("secret-customer.com", "Secret", staff_user.id)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True  # its check reads the body before the access check
    client = app.test_client() if role == "anonymous" else login(partner_user)
    response = _upload(client, b"x" * (1024 * 1024 + 10), "big.csv")
    assert response.status_code == 413
    assert b"secret-customer.com" not in response.data
