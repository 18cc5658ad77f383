"""Hostile question text through every page that shows it, and the answer e-mail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.content_runtime import current_content
from portal.extensions import db
from portal.notify.models import OutboxMessage
from portal.questions.api import add_note, ask, respond
from tests.conftest import sign_in
from tests.xss_corpus import XSS_PAYLOADS, find_injections, raw_payloads_in

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


def test_no_payload_comes_out_unescaped(
    app, client, partner_user, staff_user, make_referral
) -> None:
    referral = make_referral(partner_user)
    program = current_content().program
    ids = []
    for payload in XSS_PAYLOADS:
        question = ask(partner_user, "commissions", payload[:200], payload, None, program)
        add_note(staff_user, question, payload)
        respond(staff_user, question, payload, "answered", worth_faq=True)
        question.about_kind, question.about_key = "referral", referral.reference
        ids.append(question.id)
    db.session.commit()
    pages = {
        partner_user: ["/questions", f"/questions/{ids[0]}", f"/referrals/{referral.reference}"],
        staff_user: ["/staff/questions?status=answered", f"/staff/questions/{ids[0]}",
                     "/staff/questions/faq"],
    }  # fmt: skip
    for user, urls in pages.items():
        sign_in(client, user)
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            assert find_injections(html) == [], url
            assert raw_payloads_in(html) == [], url
    for question_id in ids[:10]:
        sign_in(client, partner_user)
        html = client.get(f"/questions/{question_id}").get_data(as_text=True)
        assert find_injections(html) == [] and raw_payloads_in(html) == [], question_id
    for mail in db.session.scalars(sa.select(OutboxMessage)):
        assert find_injections(mail.body_html) == [], mail.subject
        assert raw_payloads_in(mail.body_html) == [], mail.subject
