"""The audit log in words: sentences with names and links, values by name, filters by name
and day, a CSV of the filtered log, and names read once per page."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.accounts import api as accounts
from portal.admin import audit_log
from portal.audit.models import AuditEntry
from portal.audit.service import record_audit
from portal.content_runtime import current_content
from portal.extensions import db
from portal.referrals import api as referrals
from tests.referrals.test_commission_lifecycle import won_commission
from tests.xss_corpus import MARKUP_PAYLOADS, find_injections, raw_payloads_in


def _sentences(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", s)).strip()
        for s in re.findall(r'<p class="audit-sentence">(.*?)</p>', html, re.S)
    ]


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="entry-(\d+)">', html)]


@pytest.fixture
def worked(staff_user, partner_user, make_referral):
    """A referral accepted, owned, moved from Qualified to Proposal by Sam Staff."""
    program = current_content().program
    referral = make_referral(partner_user)
    referrals.accept(referral, staff_user, program)
    referrals.assign(referral, staff_user, staff_user, program)
    while referral.status != "qualified":
        referrals.advance(referral, staff_user, program)
    db.session.commit()
    referrals.advance(referral, staff_user, program)  # qualified -> proposal
    db.session.commit()
    return referral


def test_entries_read_as_sentences_with_names_and_links(login, admin_user, worked):
    html = login(admin_user).get("/admin/audit").get_data(as_text=True)
    ref = worked.reference

    sentences = _sentences(html)
    assert f"Sam Staff moved {ref} from Qualified to Proposal." == sentences[0]
    assert f"Sam Staff made Sam Staff owner of {ref}." in sentences
    assert f"Sam Staff accepted {ref}." in sentences
    assert f'<a href="/inbox/{ref}">{ref}</a> from Qualified to Proposal' in html
    # Old and new values by name, not ids or keys.
    assert "<dt>Owner</dt>\n              <dd><del>Unassigned</del> → <ins>Sam Staff</ins>" in html
    assert "<del>Qualified</del> → <ins>Proposal</ins>" in html
    assert "owner_id" not in html and "null" not in html


def test_tiers_commissions_and_organisations_by_name(
    login, admin_user, staff_user, partner_user, partner_org, make_referral
):
    program = current_content().program
    accounts.change_tier(staff_user, partner_org, "gold", program)
    commission = won_commission(
        make_referral, partner_user, staff_user, now=datetime(2020, 1, 1, tzinfo=UTC)
    )
    referrals.approve(commission, staff_user)
    db.session.commit()

    html = login(admin_user).get("/admin/audit").get_data(as_text=True)

    ref = commission.referral.reference
    assert f"Sam Staff approved the commission on {ref}." in _sentences(html)
    assert f'<a href="/inbox/{ref}">{ref}</a>' in html
    tier_sentence = next(s for s in _sentences(html) if "from" in s and "Acme" in s)
    assert re.fullmatch(r"Sam Staff moved Acme Referrals from \w+ to Gold\.", tier_sentence)
    assert f'<a href="/staff/orgs/{partner_org.id}">Acme Referrals</a>' in html


def test_filters_by_actor_organisation_action_and_days(
    login, admin_user, staff_user, partner_user, partner_org, other_org
):
    old = record_audit(staff_user, "user.deactivated", "user", partner_user.id, partner_org.id)
    old.created_at = datetime(2024, 3, 1, 12, tzinfo=UTC)
    by_partner = record_audit(partner_user, "commission.dispute", "commission", 1, partner_org.id)
    elsewhere = record_audit(staff_user, "user.deactivated", "user", 9, other_org.id)
    system = record_audit(
        None, "organization.activated", "organization", other_org.id, other_org.id
    )
    db.session.commit()
    client = login(admin_user)

    def shown(query: str) -> list[int]:
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 200, query
        return _ids(response.get_data(as_text=True))

    assert shown("actor=sam+staff") == [elsewhere.id, old.id]
    assert shown("actor=VENDOR.example") == [elsewhere.id, old.id]
    assert shown("actor=system") == [system.id]
    assert shown("organization=acme") == [by_partner.id, old.id]
    assert shown("organization=globex&actor=sam") == [elsewhere.id]
    assert shown("action=user.deactivated&organization=acme") == [old.id]
    assert shown("since=2024-03-01&until=2024-03-01") == [old.id]
    assert old.id not in shown("since=2024-03-02")
    assert shown("until=2024-02-29") == []
    html = client.get("/admin/audit?action=commission.dispute").get_data(as_text=True)
    assert '<option selected value="commission.dispute">Commission disputed</option>' in html
    assert "Organisation name" in html and "Organisation ID" not in html


def test_empty_and_refused_filters_say_what_to_do(login, admin_user, staff_user):
    record_audit(staff_user, "user.deactivated", "user", staff_user.id)
    db.session.commit()
    client = login(admin_user)

    html = client.get("/admin/audit?actor=nobody-like-this").get_data(as_text=True)
    assert "No audit entries match these filters." in html
    assert '<a href="/admin/audit">Clear the filters</a>' in html

    response = client.get("/admin/audit?since=2024-05-02&until=2024-05-01")
    assert response.status_code == 422
    assert "The last day comes on or after the first day." in response.get_data(as_text=True)
    response = client.get("/admin/audit?since=2024-02-30")
    assert "Enter a date that exists" in response.get_data(as_text=True)


def test_csv_export_is_the_filtered_log_guarded_and_recorded(
    login, admin_user, staff_user, partner_org, make_org
):
    hostile = make_org(name='=HYPERLINK("http://x.example")')
    record_audit(
        staff_user,
        "organization.suspended",
        "organization",
        hostile.id,
        hostile.id,
        {"status": "active"},
        {"status": "suspended"},
    )
    record_audit(
        staff_user,
        "organization.suspended",
        "organization",
        partner_org.id,
        partner_org.id,
        {"status": "active"},
        {"status": "suspended"},
    )
    db.session.commit()
    client = login(admin_user)

    page = client.get("/admin/audit?organization=hyperlink").get_data(as_text=True)
    assert 'href="/admin/audit/export.csv?organization=hyperlink"' in page
    response = client.get("/admin/audit/export.csv?organization=hyperlink")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:6] == [
        "time (UTC)",
        "actor",
        "actor e-mail",
        "organisation",
        "action",
        "what happened",
    ]
    assert len(rows) == 2
    assert rows[1][1] == "Sam Staff" and rows[1][3] == '\'=HYPERLINK("http://x.example")'
    assert rows[1][5] == 'Sam Staff suspended =HYPERLINK("http://x.example")'
    assert rows[1][8] == "Status: Active → Suspended"
    exported = db.session.query(AuditEntry).filter_by(action="audit.exported").one()
    assert exported.actor_id == admin_user.id
    assert exported.after == {"organization": "hyperlink"}


def test_csv_export_is_bounded(app, admin_user, staff_user, monkeypatch):
    for i in range(7):
        record_audit(staff_user, "test.bound", "thing", i)
    db.session.commit()
    monkeypatch.setattr(audit_log, "EXPORT_MAX_ROWS", 5)
    monkeypatch.setattr(audit_log, "EXPORT_BATCH", 2)
    lines = list(
        audit_log.audit_csv(audit_log.AuditFilters(action="test.bound"), current_content().program)
    )
    assert len(lines) == 1 + 5 + 1
    assert lines[-1].startswith("Cut at 5 rows")
    monkeypatch.setattr(audit_log, "EXPORT_MAX_ROWS", 7)
    lines = list(
        audit_log.audit_csv(audit_log.AuditFilters(action="test.bound"), current_content().program)
    )
    assert len(lines) == 1 + 7


def test_names_are_read_once_per_page(
    login, admin_user, staff_user, partner_user, make_user, make_referral, count_queries
):
    program = current_content().program
    client = login(admin_user)

    def work(n: int) -> None:
        for i in range(n):
            owner = make_user(
                "staff", None, email=f"owner{i}-{n}@vendor.example", name=f"Owner {i}"
            )
            referral = make_referral(partner_user)
            referrals.accept(referral, staff_user, program)
            referrals.assign(referral, staff_user, owner, program)
            record_audit(staff_user, "user.deactivated", "user", owner.id)
            commission = won_commission(make_referral, partner_user, staff_user)
            commission.approvable_from = commission.created_at
            referrals.approve(commission, staff_user)
        db.session.commit()

    work(1)
    client.get("/admin/audit")
    with count_queries() as few:
        first = client.get("/admin/audit").get_data(as_text=True)
    work(8)
    with count_queries() as many:
        second = client.get("/admin/audit").get_data(as_text=True)
    assert len(_ids(second)) > 3 * len(_ids(first))
    assert many.count == few.count, many.statements
    assert "Sam Staff made Owner 7 owner of" in " ".join(_sentences(second))
    assert "Sam Staff deactivated Owner 7." in _sentences(second)


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_user_strings_are_escaped(login, admin_user, make_org, make_user, payload):
    org = make_org(name=payload[:200])
    person = make_user("partner_user", org, email="x@partner.example", name=payload[:200])
    record_audit(
        person,
        "organization.renamed",
        "organization",
        org.id,
        org.id,
        before={"name": payload},
        after={"name": payload, "owner_id": person.id},
    )
    record_audit(person, "customer.added", "customer", 1, after={"domain": payload})
    db.session.commit()

    client = login(admin_user)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert find_injections(html) == []
    assert raw_payloads_in(html, (payload,)) == []
    filtered = client.get(
        "/admin/audit", query_string={"actor": payload[:100], "organization": payload[:100]}
    )
    assert find_injections(filtered.get_data(as_text=True)) == []


QUERY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
    st.sampled_from(
        [
            "9" * 5000,
            "x" * 100_000,
            "2024-02-30",
            "9999-12-31",
            "0000-01-01",
            "2024-13-01",
            "-1",
            "\x00",
            "2024-01-01\x00",
            "\uff11\uff12\uff13\uff14-01-01",
        ]
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(since=QUERY_TEXT, until=QUERY_TEXT, actor=QUERY_TEXT, organization=QUERY_TEXT)
def test_hostile_filters_never_fail(login, admin_user, since, until, actor, organization):
    client = login(admin_user)
    args = {"since": since, "until": until, "actor": actor, "organization": organization}
    for url in ("/admin/audit", "/admin/audit/export.csv"):
        response = client.get(url, query_string=args)
        # 400 and 414: the app refuses a NUL and a URL past its bound before a view runs.
        assert response.status_code in (200, 400, 414, 422), (
            url,
            {k: v[:50] for k, v in args.items()},
        )
        response.get_data()


def test_the_last_day_of_the_calendar_is_a_valid_until(login, admin_user, staff_user):
    entry = record_audit(staff_user, "user.deactivated", "user", staff_user.id)
    entry.created_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()
    html = login(admin_user).get("/admin/audit?until=9999-12-31").get_data(as_text=True)
    assert _ids(html) == [entry.id]
