"""Hostile text through co-marketing approvals, and every decision as an audit sentence.

Each XSS payload goes in through the real forms (title, file name, the partner's note, the
reviewer's comment) and is read back from the partner's list and piece, the staff queue and
review, the organisation page, the e-mails, the CSV exports and the audit log: never unescaped.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.admin.audit_text import ACTIONS
from portal.audit.models import AuditEntry
from portal.comarketing.models import ComarketingPiece
from portal.extensions import db
from portal.notify.models import OutboxMessage
from tests.comarketing.factories import PDF
from tests.conftest import new_org, new_user, sign_in
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _clean(html: str, where: str) -> None:
    assert find_injections(html) == [], where
    assert raw_payloads_in(html) == [], where


def _follow(client, url: str, pattern: re.Pattern[str]) -> list[str]:
    pages = []
    while url and len(pages) < 10:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        found = pattern.search(page)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return pages


def test_hostile_text_is_escaped_everywhere(app) -> None:
    org = new_org(name="Acme Referrals")
    partner = new_user(Role.PARTNER_USER, org, email="pat@acme.example")
    staff = new_user(Role.STAFF, None, email="sam@vendor.example")
    admin = new_user(Role.ADMIN, None, email="ada@vendor.example")
    p, s = app.test_client(), app.test_client()
    sign_in(p, partner)
    sign_in(s, staff)
    for payload in XSS_PAYLOADS:
        response = p.post(
            "/approvals/new",
            data={
                "title": payload[:200],
                "channel": "social_post",
                "planned_on": "2027-02-02",
                # A quote would end the part's filename="..." (browsers send it as %22).
                "file": (io.BytesIO(PDF), f"{payload[:60].replace(chr(34), chr(39))}.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, payload
    pieces = db.session.scalars(sa.select(ComarketingPiece).order_by(ComarketingPiece.id)).all()
    assert len(pieces) == len(XSS_PAYLOADS)
    for piece, payload in zip(pieces, XSS_PAYLOADS, strict=True):
        decision = "changes_requested" if piece.id % 2 else "rejected"
        s.post(
            f"/staff/approvals/{piece.id}/decision", data={"decision": decision, "comment": payload}
        )
        if piece.id % 2:
            p.post(
                f"/approvals/{piece.id}/versions",
                data={"url": "https://x.example/v2", "note": payload},
            )
            s.post(f"/staff/approvals/{piece.id}/decision", data={"decision": "approved"})

    pages = _follow(p, "/approvals", re.compile(r'href="(/approvals\?before=\d+)"'))
    for status in ("submitted", "approved", "rejected"):
        pages += _follow(
            s,
            f"/staff/approvals?status={status}",
            re.compile(r'href="(/staff/approvals\?[^"]*after=[^"]+)"'),
        )
    for piece in pieces:
        pages.append(p.get(f"/approvals/{piece.id}").get_data(as_text=True))
    # The review page shows the same fields through the same macros: a sample is enough.
    for piece in pieces[:6]:
        pages.append(s.get(f"/staff/approvals/{piece.id}").get_data(as_text=True))
    pages.append(s.get(f"/staff/orgs/{org.id}").get_data(as_text=True))
    sign_in(s, admin)
    pages.append(s.get("/admin/audit").get_data(as_text=True))
    for index, page in enumerate(pages):
        _clean(page, f"page {index}")

    for message in db.session.scalars(sa.select(OutboxMessage)):
        _clean(message.body_html, f"e-mail {message.id}")
    exports = [
        p.get("/approvals/export.csv").get_data(as_text=True),
        s.get("/staff/approvals/export.csv?status=approved").get_data(as_text=True),
    ]
    for export in exports:
        for row in list(csv.reader(io.StringIO(export)))[1:]:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row


def test_every_decision_reads_as_a_sentence_linking_the_piece(app, client, login) -> None:
    org = new_org(name="Acme Referrals")
    partner = new_user(Role.PARTNER_USER, org, email="pat@acme.example")
    staff = new_user(Role.STAFF, None, email="sam@vendor.example", name="Sam Staff")
    admin = new_user(Role.ADMIN, None, email="ada@vendor.example")
    p = app.test_client()
    sign_in(p, partner)
    sign_in(client, staff)
    for title, decisions in (("One", ("changes_requested", "approved")), ("Two", ("rejected",))):
        p.post(
            "/approvals/new",
            data={
                "title": title,
                "channel": "event",
                "planned_on": "2027-01-01",
                "url": "https://x.example",
            },
        )
        piece = db.session.scalar(
            sa.select(ComarketingPiece).where(ComarketingPiece.title == title)
        )
        for decision in decisions:
            client.post(
                f"/staff/approvals/{piece.id}/decision",
                data={"decision": decision, "comment": "Because."},
            )
            if decision == "changes_requested":
                p.post(f"/approvals/{piece.id}/versions", data={"url": "https://x.example/2"})
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert actions == {
        "comarketing.submitted",
        "comarketing.changes_requested",
        "comarketing.new_version",
        "comarketing.approved",
        "comarketing.rejected",
    }
    assert actions <= ACTIONS.keys()
    approved = db.session.scalar(sa.select(ComarketingPiece).where(ComarketingPiece.title == "One"))
    login(admin)
    log = client.get("/admin/audit").get_data(as_text=True)
    link = f'<a href="/staff/approvals/{approved.id}">co-marketing piece {approved.id}</a>'
    assert f"approved {link} as {approved.approval_reference}" in log
    assert "asked for changes to version 1 of" in log
