"""Hostile input through MDF: every XSS payload in every free-text field, read back everywhere.

The payloads go in through the request form (activity name, description, expected results),
the staff decisions (note, reason) and the claim (results); they are read back from the
partner's list, the request page, the earnings page, the staff queue and request page, the
e-mails and the CSV exports. None may come out unescaped, and CSV cells never start a formula.
"""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.content_runtime import current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.mdf.claims import ClaimInput, StoredProof, submit_claim
from portal.mdf.models import MdfRequest
from portal.mdf.service import MdfError, RequestInput, approve, reject, request_funds
from portal.notify.models import OutboxMessage
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)

THROUGH_THE_FORM = 8
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _invoice(index: int) -> StoredProof:
    return StoredProof("invoice", f"{index:032x}", "invoice.pdf", "application/pdf", 10)


def _clean(html: str, where: str) -> None:
    assert find_injections(html) == [], where
    assert raw_payloads_in(html) == [], where


def test_every_payload_in_every_mdf_field_comes_out_escaped(
    client, login, make_org, make_user, staff_user
):
    org = make_org(name="Hostile Funds", tier="gold")
    admin = make_user(Role.PARTNER_ADMIN, org)
    login(admin)
    rules = current_content().program.mdf
    assert rules is not None
    day = (utcnow().date() - timedelta(days=1)).isoformat()
    # The first payloads through the form, the rest through the same function it calls.
    for index, payload in enumerate(XSS_PAYLOADS):
        if index < THROUGH_THE_FORM:
            response = client.post(
                "/mdf/new",
                data={
                    "activity_type": "event",
                    "title": payload[:200],
                    "activity_date": day,
                    "description": payload,
                    "amount": "1",
                    "expected_results": payload,
                },
            )
            assert response.status_code in (302, 422), payload
            continue
        data = RequestInput("event", utcnow().date(), payload[:200], payload, 1, 0, 0, payload)
        with contextlib.suppress(MdfError):  # a payload of only spaces names nothing
            request_funds(admin, data, rules, "USD")
    requests = db.session.scalars(sa.select(MdfRequest).order_by(MdfRequest.id)).all()
    assert len(requests) >= len(XSS_PAYLOADS) - 2  # a payload of only spaces names nothing
    for index, request in enumerate(requests[:12]):
        payload = XSS_PAYLOADS[index]
        if index % 2:
            reject(request, staff_user, payload, rules=rules)
        else:
            approve(request, staff_user, 1, payload, rules=rules)
            submit_claim(
                request,
                admin,
                ClaimInput(actual_cost_minor=2, results=payload, proofs=(_invoice(index),)),
            )
    db.session.commit()

    _clean(client.get("/mdf").get_data(as_text=True), "/mdf")
    _clean(client.get("/earnings").get_data(as_text=True), "/earnings")
    for request in requests[:4]:
        _clean(client.get(f"/mdf/{request.id}").get_data(as_text=True), f"/mdf/{request.id}")
    login(staff_user)
    _clean(client.get("/staff/mdf?status=all").get_data(as_text=True), "/staff/mdf")
    for request in requests[:4]:
        url = f"/staff/mdf/{request.id}"
        _clean(client.get(url).get_data(as_text=True), url)
    for message in db.session.scalars(sa.select(OutboxMessage)):
        _clean(message.body_html or "", f"e-mail {message.subject}")

    for url in ("/staff/mdf/export.csv?status=all", "/staff/mdf/budget.csv"):
        rows = list(csv.reader(io.StringIO(client.get(url).get_data(as_text=True))))
        assert len(rows) > 1
        for row in rows:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), (url, row)
