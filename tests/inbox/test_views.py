"""The staff inbox pages: the list, the CSV export, one referral's staff page."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.referrals import api as referrals
from portal.referrals import registration


@pytest.fixture
def program(app):
    return current_content().program


@pytest.fixture
def staff_client(login, staff_user):
    return login(staff_user)


def test_list_shows_rows_with_partner_company_reference_status_sla_and_owner(
    staff_client, partner_user, make_referral, staff_user, program
):
    fresh = make_referral(partner_user, company_name="Fresh Foods")
    late = make_referral(
        partner_user, company_name="Late Logistics", now=utcnow() - timedelta(days=3)
    )
    referrals.assign(fresh, staff_user, staff_user, program)
    db.session.commit()
    response = staff_client.get("/inbox/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Acme Referrals" in html and "Fresh Foods" in html
    assert fresh.reference in html and late.reference in html
    assert "Sam Staff" in html and "Unassigned" in html
    # The most overdue first; overdue is said in words, not only by colour.
    assert html.index("Late Logistics") < html.index("Fresh Foods")
    late_row = _row_html(html, late.id)
    assert "Overdue" in late_row and "overdue by 1 d" in late_row
    assert "3 d" in late_row  # age
    assert "due in 1 d 23 h" in _row_html(html, fresh.id) or "due in 2 d" in _row_html(
        html, fresh.id
    )
    assert "Overdue" not in _row_html(html, fresh.id)
    assert f'href="/inbox/{late.reference}"' in html


def test_list_filters_and_export_link_carry_the_filters(
    staff_client, partner_user, other_partner, make_referral
):
    make_referral(partner_user, company_name="Alpha Analytics")
    make_referral(other_partner, company_name="Beta Bakeries", region="North America")
    response = staff_client.get("/inbox/?region=North+America&q=beta")
    html = response.get_data(as_text=True)
    assert "Beta Bakeries" in html and "Alpha Analytics" not in html
    assert re.search(r'href="/inbox/export\.csv\?[^"]*region=North(\+|%20)America', html)
    assert re.search(r'href="/inbox/export\.csv\?[^"]*q=beta', html)


def test_bad_filters_are_reported_not_failed(staff_client):
    response = staff_client.get("/inbox/?status=nonsense&sla=later")
    assert response.status_code == 200
    assert "Unknown status" in response.get_data(as_text=True)


def test_list_pages_with_a_next_link(staff_client, partner_user, make_referral):
    for _ in range(51):
        make_referral(partner_user)
    html = staff_client.get("/inbox/").get_data(as_text=True)
    match = re.search(r'href="(/inbox/\?cursor=[^"]+)" rel="next">Next page', html)
    assert match
    second = staff_client.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('<tr id="referral-row-') == 1


def test_htmx_filter_request_gets_only_the_results(staff_client, partner_user, make_referral):
    make_referral(partner_user, company_name="Gamma Goods")
    response = staff_client.get("/inbox/?q=gamma", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="inbox-results"' in html and "Gamma Goods" in html


def test_export_streams_csv_with_the_filters(staff_client, partner_user, make_referral):
    make_referral(partner_user, company_name='=HYPERLINK("http://evil")')
    make_referral(partner_user, company_name="Delta Dairy", region="North America")
    response = staff_client.get("/inbox/export.csv?region=Europe")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=referrals-\d{8}\.csv", disposition)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "reference"
    companies = [row[3] for row in rows[1:]]
    assert companies == ['\'=HYPERLINK("http://evil")']


def test_staff_page_shows_submission_internal_notes_conflicts_and_partner(
    staff_client, partner_user, other_partner, make_referral, staff_user, program
):
    first = make_referral(partner_user, company_website="https://hooli.example.org")
    second = make_referral(
        other_partner,
        company_name="Hooli",
        company_website="https://www.hooli.example.org",
        customer_need="They need <b>pipeline</b> visibility.",
    )
    registration.add_customer_domain(second.company_domain, "Hooli", staff_user.id)
    referrals.add_note(second, staff_user, "Internal: check with the AE first.", program)
    db.session.commit()
    html = staff_client.get(f"/inbox/{second.reference}").get_data(as_text=True)
    # Everything submitted, escaped.
    assert "They need &lt;b&gt;pipeline&lt;/b&gt; visibility." in html
    assert "Dana Whitfield" in html and "VP Revenue Operations" in html
    # The full timeline, the note marked internal.
    assert "Internal: check with the AE first." in html
    assert "Internal</span>" in html and "Referral submitted" in html
    # Conflict candidates, with links, and the customer list.
    assert f'href="/inbox/{first.reference}"' in html
    assert "Earlier registration" in html and "Acme Referrals" in html
    assert "on the customer list" in html
    # The partner organisation: tier and onboarding.
    assert "Globex Resellers" in html and "Registered" in html
    assert "required steps" in html


def test_staff_page_shows_the_commission(
    staff_client, partner_user, make_referral, staff_user, program
):
    referral = make_referral(partner_user)
    referrals.accept(referral, staff_user, program)
    referrals.mark_won(referral, staff_user, 5_000_000, "USD", program)
    db.session.commit()
    html = staff_client.get(f"/inbox/{referral.reference}").get_data(as_text=True)
    assert "USD 5,000.00" in html and "Pending" in html


@pytest.mark.parametrize("ref", ["R-999999", "nonsense", "R-"])
def test_unknown_referral_is_404(staff_client, ref):
    assert staff_client.get(f"/inbox/{ref}").status_code == 404
    assert staff_client.post(f"/inbox/{ref}/note", data={"message": "Hi"}).status_code == 404


def test_staff_page_statements_stay_flat_as_events_grow(
    staff_client, partner_user, other_partner, make_referral, staff_user, count_queries, program
):
    referral = make_referral(partner_user, company_website="https://pied-piper.example.com")
    make_referral(other_partner, company_website="https://pied-piper.example.com")
    url = f"/inbox/{referral.reference}"
    staff_client.get(url)  # warm caches (content, templates)
    with count_queries() as few:
        assert staff_client.get(url).status_code == 200
    for n in range(30):
        referrals.add_note(referral, staff_user, f"Note {n}", program)
        referrals.post_update(referral, staff_user, f"Update {n}", program)
    referrals.assign(referral, staff_user, staff_user, program)
    db.session.commit()
    with count_queries() as many:
        assert staff_client.get(url).status_code == 200
    assert few.count <= 12, few.statements
    assert many.count == few.count, many.statements


def test_list_statements_stay_flat(staff_client, partner_user, make_referral, count_queries):
    make_referral(partner_user)
    staff_client.get("/inbox/")
    with count_queries() as few:
        staff_client.get("/inbox/")
    for _ in range(20):
        make_referral(partner_user)
    with count_queries() as many:
        staff_client.get("/inbox/")
    assert many.count == few.count <= 12


def test_staff_page_escapes_hostile_text(
    staff_client, partner_user, make_referral, staff_user, program
):
    payload = "<img src=x onerror=alert(1)>\"'><script>alert(2)</script>"
    referral = make_referral(partner_user, company_name=payload, contact_role=payload)
    referrals.add_note(referral, staff_user, payload, program)
    db.session.commit()
    for url in ("/inbox/", f"/inbox/{referral.reference}"):
        html = staff_client.get(url).get_data(as_text=True)
        assert "<script>alert(2)" not in html and "<img src=x" not in html


def _row_html(html: str, referral_id: int) -> str:
    start = html.index(f'<tr id="referral-row-{referral_id}"')
    return html[start : html.index("</tr>", start)]


def test_partner_link_filters_to_one_organisation(
    staff_client, partner_user, other_partner, make_referral, partner_org
):
    make_referral(partner_user, company_name="Epsilon Energy")
    make_referral(other_partner, company_name="Zeta Zinc")
    html = staff_client.get("/inbox/").get_data(as_text=True)
    assert f'href="/inbox/?organization_id={partner_org.id}"' in html
    filtered = staff_client.get(f"/inbox/?organization_id={partner_org.id}").get_data(as_text=True)
    assert "Epsilon Energy" in filtered and "Zeta Zinc" not in filtered
    assert "Show every organisation" in filtered
    assert f'name="organization_id" value="{partner_org.id}"' in filtered


def test_candidates_by_name_when_there_is_no_domain(
    staff_client, partner_user, other_partner, make_referral
):
    first = make_referral(
        partner_user,
        company_name="Wayne Enterprises Inc.",
        company_website="",
        contact_email="bruce@gmail.com",
    )
    second = make_referral(
        other_partner,
        company_name="wayne enterprises",
        company_website="",
        contact_email="lucius@gmail.com",
    )
    assert second.company_domain is None
    html = staff_client.get(f"/inbox/{second.reference}").get_data(as_text=True)
    assert f'href="/inbox/{first.reference}"' in html


def test_candidates_are_the_newest_ten(app, partner_user, make_referral):
    from portal.inbox.detail import conflict_candidates

    made = [
        make_referral(partner_user, company_website="https://umbra.example.io") for _ in range(12)
    ]
    candidates = conflict_candidates(made[0])
    assert [c.referral.id for c in candidates] == [r.id for r in reversed(made[2:])]
    assert all(c.organization_name == "Acme Referrals" for c in candidates)


def test_row_forms_load_when_more_actions_opens(staff_client, partner_user, make_referral):
    """The list carries the quick buttons only; the long forms come on demand, same markup."""
    referral = make_referral(partner_user)
    listing = staff_client.get("/inbox/").get_data(as_text=True)
    assert f'hx-get="/inbox/{referral.reference}/actions?next=/inbox/"' in listing
    assert 'name="reason"' not in listing
    fragment = staff_client.get(
        f"/inbox/{referral.reference}/actions?next=/inbox/?region=Europe",
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert "<html" not in fragment
    assert f'hx-target="#referral-row-{referral.id}"' in fragment
    assert 'name="reason"' in fragment and 'name="message"' in fragment
    assert 'value="/inbox/?region=Europe"' in fragment
    # An outside address in `next` is dropped, and an unknown referral is not found.
    assert "evil.example" not in staff_client.get(
        f"/inbox/{referral.reference}/actions?next=https://evil.example/"
    ).get_data(as_text=True)
    assert staff_client.get("/inbox/R-999999/actions").status_code == 404
