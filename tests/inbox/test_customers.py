"""The customer list: CSV import (all or nothing), add, remove, search, the pages."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.inbox.customers import (
    CustomerRefused,
    add_customer,
    import_customers_csv,
    list_customers,
    parse_customers_csv,
    remove_customer,
)
from portal.referrals import registration
from portal.referrals.models import Customer


def _domains() -> list[str]:
    return list(db.session.scalars(sa.select(Customer.domain).order_by(Customer.domain)))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


# --- the service ---------------------------------------------------------------------------


def test_import_happy_path(app, staff_user):
    text = (
        "Name,Website,Owner\n"
        "Acme Widgets,https://www.shop.acme-widgets.co.uk/,Sam\n"
        "\n"
        "Bücher GmbH,bücher.de,\n"
        '"Initech, Inc.",initech.com\n'
    )
    result = import_customers_csv(text, "customers.csv", staff_user)
    db.session.commit()
    assert (result.added, result.skipped_existing, result.problems) == (3, 0, [])
    assert _domains() == ["acme-widgets.co.uk", "initech.com", "xn--bcher-kva.de"]
    names = dict(db.session.execute(sa.select(Customer.domain, Customer.name)).all())
    assert names["initech.com"] == "Initech, Inc."
    assert registration.is_customer("acme-widgets.co.uk")
    (entry,) = _audit("customers.imported")
    assert entry.actor_id == staff_user.id
    assert entry.after == {"file": "customers.csv", "added": 3, "skipped_existing": 0}


def test_import_with_a_domain_column_and_bom(app, staff_user):
    text = "\ufeffdomain;x,NAME\nglobex.com,Globex\n"
    # The header's first cell is "domain;x": no domain column, so the header is refused.
    assert import_customers_csv(text, "a.csv", staff_user).problems
    result = import_customers_csv("\ufeffDomain,Name\nglobex.com,Globex\n", "b.csv", staff_user)
    assert result.added == 1 and _domains() == ["globex.com"]


def test_duplicates_in_the_file_and_on_the_list_are_skipped_and_counted(app, staff_user):
    registration.add_customer_domain("umbrella.com", "Umbrella", staff_user.id)
    text = (
        "name,domain\n"
        "Umbrella,umbrella.com\n"
        "Hooli,hooli.com\n"
        "Hooli again,www.hooli.com\n"
        "Hooli EU,eu.hooli.com\n"
        "Stark,stark.io\n"
    )
    result = import_customers_csv(text, "dupes.csv", staff_user)
    assert (result.added, result.skipped_existing, result.problems) == (2, 3, [])
    assert _domains() == ["hooli.com", "stark.io", "umbrella.com"]


def test_any_problem_imports_nothing_and_names_file_and_line(app, staff_user):
    text = (
        "name,website\n"
        "Good Co,goodco.com\n"
        "Blank,\n"
        "Free mail,gmail.com\n"
        "Not a domain,not a domain at all\n"
        f"Long,{'a' * 301}.com\n"
        f"{'N' * 201},longname.com\n"
        '"Multi\nline",multi.com\n'
        "Also good,alsogood.com\n"
    )
    result = import_customers_csv(text, "upload.csv", staff_user)
    assert result.added == 0 and result.skipped_existing == 0
    assert _domains() == []
    assert _audit("customers.imported") == []
    problems = "\n".join(result.problems)
    assert "upload.csv:3: the domain is blank" in problems
    assert "upload.csv:4: “gmail.com” is not a usable company domain" in problems
    assert "upload.csv:5: “not a domain at all” is not a usable" in problems
    assert "upload.csv:6: the domain is longer than 300 characters" in problems
    assert "upload.csv:7: the name is longer than 200 characters" in problems
    assert len(result.problems) == 5  # the quoted two-line name is fine


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "f.csv:1: the first line must name the columns"),
        ("acme.com,Acme\n", "f.csv:1: the first line must name the columns"),
        ("name,email\nAcme,a@acme.com\n", "f.csv:1: the first line must name the columns"),
        ("name,domain\n", "f.csv: the file has a header but no customers."),
        ("name,domain\nA,a\x00.com\n", "f.csv: the file contains NUL characters"),
    ],
)
def test_unusable_files(app, staff_user, text, problem):
    rows, problems = parse_customers_csv(text, "f.csv")
    assert rows == []
    assert problems and problems[0].startswith(problem)


def test_many_problems_are_summarised(app, staff_user):
    text = "name,domain\n" + "x,gmail.com\n" * 80
    result = import_customers_csv(text, "f.csv", staff_user)
    assert len(result.problems) == 51
    assert result.problems[-1] == "… and 30 more problems."


def test_add_and_remove_with_audit(app, staff_user):
    domain, added = add_customer("Acme", "https://www.Shop.ACME.com/path", staff_user)
    assert (domain, added) == ("acme.com", True)
    assert add_customer("Acme again", "acme.com", staff_user) == ("acme.com", False)
    db.session.commit()
    (entry,) = _audit("customer.added")
    assert entry.after == {"domain": "acme.com", "name": "Acme"}

    customer = db.session.scalar(sa.select(Customer))
    removed = remove_customer(customer.id, staff_user)
    db.session.commit()
    assert removed is not None and _domains() == []
    (entry,) = _audit("customer.removed")
    assert entry.before == {"domain": "acme.com", "name": "Acme"}
    assert entry.target_id == str(customer.id)
    assert remove_customer(customer.id, staff_user) is None


@pytest.mark.parametrize("bad", ["", "   ", "gmail.com", "someone@yahoo.com", "no spaces.com"])
def test_add_refuses_unusable_domains(app, staff_user, bad):
    with pytest.raises(CustomerRefused):
        add_customer("X", bad, staff_user)
    assert _domains() == []


def test_list_customers_searches_and_pages_by_domain(app, staff_user):
    for n in range(7):
        registration.add_customer_domain(f"company{n}.com", f"Company {n}", staff_user.id)
    registration.add_customer_domain("percent.com", "100% Real", staff_user.id)
    db.session.commit()
    seen, cursor = [], None
    while True:
        page = list_customers("", cursor, limit=3)
        seen += [customer.domain for customer in page.customers]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 8
    assert [c.domain for c in list_customers("COMPANY 3").customers] == ["company3.com"]
    assert [c.domain for c in list_customers("%").customers] == ["percent.com"]
    assert list_customers("_").customers == []


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
