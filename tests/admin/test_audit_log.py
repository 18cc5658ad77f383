"""The audit log page: newest first, filters, keyset pagination, escaped values."""

from __future__ import annotations

import re

import pytest

from portal.admin.audit_log import AUDIT_PER_PAGE, AuditFilters, audit_log
from portal.admin.audit_text import Names, changes_of
from portal.audit.service import record_audit
from portal.content_runtime import current_content
from portal.extensions import db


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="entry-(\d+)">', html)]


@pytest.fixture
def entries(staff_user, partner_org, other_org):
    """Six entries: alternating organisations, two kinds of action (committed)."""
    made = []
    for i in range(6):
        org = partner_org if i % 2 == 0 else other_org
        action = "organization.tier_changed" if i < 3 else "user.deactivated"
        made.append(
            record_audit(staff_user, action, "organization", org.id, org.id, {"n": i}, {"n": i + 1})
        )
    db.session.commit()
    return made


def test_log_shows_entries_newest_first(client, login, admin_user, entries):
    login(admin_user)

    response = client.get("/admin/audit")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _ids(html) == [e.id for e in reversed(entries)]
    assert "Sam Staff" in html and "sam@vendor.example" in html
    assert "organization.tier_changed" in html and "user.deactivated" in html
    assert "Acme Referrals" in html and "Globex Resellers" in html
    assert "<del>0</del> → <ins>1</ins>" in html


def test_filter_by_action(client, login, admin_user, entries):
    login(admin_user)
    html = client.get("/admin/audit?action=user.deactivated").get_data(as_text=True)
    assert _ids(html) == [e.id for e in reversed(entries[3:])]


def test_filter_by_organisation(client, login, admin_user, entries, partner_org):
    login(admin_user)
    html = client.get(f"/admin/audit?org={partner_org.id}").get_data(as_text=True)
    assert _ids(html) == [entries[4].id, entries[2].id, entries[0].id]
    assert "Entries for" in html and "Show every organisation" in html


def test_filters_combine(client, login, admin_user, entries, other_org):
    login(admin_user)
    html = client.get(f"/admin/audit?org={other_org.id}&action=organization.tier_changed")
    assert _ids(html.get_data(as_text=True)) == [entries[1].id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("action=nonsense", "Not a valid choice"),
        ("org=abc", "Enter an organisation number"),
        ("org=0", "Enter an organisation number"),
        # Past the database's integer and past Python's int() digit limit: a message, not a 500.
        ("org=99999999999999999999999", "Enter an organisation number"),
        ("org=" + "9" * 5000, "Enter an organisation number"),
        ("before=-5", "Enter a number from 1 to 2,147,483,647"),
        ("before=2147483648", "Enter a number from 1 to 2,147,483,647"),
    ],
)
def test_invalid_filters_show_a_message(client, login, admin_user, entries, query, message):
    login(admin_user)
    response = client.get(f"/admin/audit?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert len(_ids(html)) == len(entries)


def test_keyset_pagination(client, login, admin_user, staff_user):
    made = [record_audit(staff_user, "test.page", "thing", i) for i in range(AUDIT_PER_PAGE + 3)]
    db.session.commit()
    login(admin_user)

    first = client.get("/admin/audit?action=test.page").get_data(as_text=True)
    first_ids = _ids(first)
    assert first_ids == [e.id for e in reversed(made)][:AUDIT_PER_PAGE]
    older = f"/admin/audit?before={first_ids[-1]}&amp;action=test.page"
    assert f'href="{older}"' in first

    second = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert _ids(second) == [made[2].id, made[1].id, made[0].id]
    assert 'rel="next"' not in second
    assert 'href="/admin/audit?action=test.page">Newest' in second


def test_service_pages_and_changes(app, staff_user):
    for i in range(5):
        record_audit(staff_user, "x", "thing", i, before={"a": i}, after={"a": i + 1, "b": [i]})
    db.session.commit()
    program = current_content().program

    def log(before=None):
        return audit_log(AuditFilters(), program, before=before, per_page=2)

    page = log()
    assert [row.entry.target_id for row in page.rows] == ["4", "3"]
    assert page.next_cursor == page.rows[-1].entry.id
    last = log(before=log(before=page.next_cursor).next_cursor)
    assert [row.entry.target_id for row in last.rows] == ["0"]
    assert last.next_cursor is None

    changes = changes_of(page.rows[0].entry, Names({}, {}, program))
    assert [(c.field, c.before, c.after) for c in changes] == [("A", "4", "5"), ("B", None, "[4]")]


def test_system_actor_and_escaping(client, login, admin_user, make_org):
    org = make_org(name="<script>alert(1)</script>")
    record_audit(
        None,
        "organization.renamed",
        "organization",
        org.id,
        org.id,
        before={"name": "<b>old</b>"},
        after={"name": "<script>alert(1)</script>", "tags": ["<i>x</i>"]},
    )
    db.session.commit()
    login(admin_user)

    html = client.get("/admin/audit").get_data(as_text=True)

    assert "The system: organization.renamed on " in html
    assert "<script>alert(1)</script>" not in html
    assert "<b>old</b>" not in html and "<i>x</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;old&lt;/b&gt;" in html


def test_htmx_request_gets_only_the_results(client, login, admin_user, entries):
    login(admin_user)
    response = client.get("/admin/audit?action=user.deactivated", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="audit-results">')
    assert len(_ids(html)) == 3
