"""The pages: staff enter and import leads, the partner accepts and works them; scoping."""

from __future__ import annotations

import io

import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.leads.importing import import_leads_csv
from portal.leads.models import Lead, LeadStatus
from tests.leads.factories import new_lead

FORM = {
    "company": "Northwind Health",
    "contact_name": "Nora North",
    "contact_email": "nora@northwind.example.org",
    "country": "DE",
    "industry": "Healthcare",
}


def test_staff_enter_a_lead_and_see_why_it_went_where(client, login, staff_user, two_partners):
    login(staff_user)
    response = client.post("/staff/leads/new", data=FORM, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Alpha Partners" in page
    assert "Matched region Europe, industry Healthcare" in page
    assert "1 of 5 monthly cap used" in page
    listing = client.get("/staff/leads?status=offered").get_data(as_text=True)
    assert "Northwind Health" in listing
    csv_text = client.get("/staff/leads/leads.csv").get_data(as_text=True)
    assert "Northwind Health" in csv_text and "Alpha Partners" in csv_text


def test_staff_form_refuses_an_unknown_country(client, login, staff_user):
    login(staff_user)
    response = client.post("/staff/leads/new", data={**FORM, "country": "XX"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


def test_csv_import_reports_bad_rows_by_line(client, login, staff_user, two_partners):
    login(staff_user)
    text = (
        "company,contact_name,contact_email,country,industry\n"
        "Good Clinic,Gus Good,gus@good.example.org,FR,Healthcare\n"
        "Bad Country,Bo Bad,bo@bad.example.org,XX,Healthcare\n"
        ",No Company,nc@x.example.org,DE,Healthcare\n"
    )
    data = {"file": (io.BytesIO(text.encode()), "leads.csv")}
    response = client.post("/staff/leads/import", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Imported 1 leads (1 routed); 2 lines refused." in page
    assert "line 3: country &#39;XX&#39; is not an ISO 3166 code" in page
    assert "line 4: company is missing" in page


def test_csv_import_reads_old_mac_line_endings_and_reports_unreadable_files(
    client, login, staff_user, two_partners
):
    login(staff_user)
    text = (
        "company,contact_name,contact_email,country,industry\r"
        "CR Clinic,Cy Ra,cy@cr.example.org,FR,Healthcare\r"
    )
    data = {"file": (io.BytesIO(text.encode()), "leads.csv")}
    page = client.post("/staff/leads/import", data=data, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Imported 1 leads" in page
    # A cell past the csv module's field limit (131,072 characters) is a problem, not a 500.
    huge = 'company,contact_name,contact_email,country\n"' + "x" * 140_000 + '",a,b,DE\n'
    result = import_leads_csv(huge, staff_user, current_content().program, utcnow())
    assert result.created == 0
    assert result.problems and "not readable as CSV" in result.problems[0]


def test_contact_details_only_after_accepting_and_only_for_that_partner(
    client, login, make_user, two_partners
):
    first, second = two_partners
    lead = new_lead(first.id, contact_email="nora@northwind.example.org")
    outsider = make_user("partner_admin", second)
    login(outsider)
    assert client.get(f"/leads/{lead.id}").status_code == 404
    assert client.post(f"/leads/{lead.id}/accept").status_code == 404
    admin = make_user("partner_admin", first)
    login(admin)
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Northwind Health" in page and "nora@northwind.example.org" not in page
    client.post(f"/leads/{lead.id}/accept")
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "nora@northwind.example.org" in page
    client.post(f"/leads/{lead.id}/stage", data={"stage": "won"})
    db.session.refresh(lead)
    assert lead.status == LeadStatus.WON


def test_partner_admin_sets_lead_industries(client, login, make_user, two_partners):
    first, _second = two_partners
    login(make_user("partner_admin", first))
    response = client.post("/leads/industries", data={"industries": ["Retail"]})
    assert response.status_code == 302
    from portal.leads.queries import industries_of

    assert industries_of(first.id) == ["Retail"]


def test_staff_list_pages_by_cursor(client, login, staff_user, monkeypatch):
    from portal.leads import queries

    monkeypatch.setattr(queries, "STAFF_PAGE", 2)
    leads = [new_lead(company=f"Paged Co {n}") for n in range(3)]
    login(staff_user)
    first = client.get("/staff/leads").get_data(as_text=True)
    assert "Paged Co 2" in first and "Paged Co 0" not in first
    assert f"before={leads[1].id}" in first
    older = client.get(f"/staff/leads?before={leads[1].id}").get_data(as_text=True)
    assert "Paged Co 0" in older and "Paged Co 2" not in older
