"""The partner agreement: versions, who may accept, what binds today, and reminders.

The fixture content's agreement (pages/agreement.md) is version 1, binding since 2020; tests
that need a new version ahead swap in other terms.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.compliance.agreement import (
    AcceptanceRefused,
    accept_agreement,
    agreement_state,
    org_accepted_agreement,
)
from portal.compliance.models import AgreementAcceptance
from portal.compliance.reminders import send_agreement_reminders
from portal.content.model_governance import AgreementTerms
from portal.content_runtime import EXTENSION_KEY, current_content
from portal.db_types import utcnow
from portal.extensions import db
from portal.notify.models import OutboxMessage
from tests.conftest import new_org, new_user

TODAY = date(2027, 1, 1)
V2_AHEAD = AgreementTerms("agreement", 2, date(2027, 1, 20))


def test_a_new_version_binds_from_its_effective_day() -> None:
    assert V2_AHEAD.required_version(TODAY) == 1
    assert V2_AHEAD.required_version(date(2027, 1, 20)) == 2
    assert AgreementTerms("agreement", 1, date(2027, 1, 20)).required_version(TODAY) == 1


def test_only_a_partner_admin_accepts_and_the_acceptance_is_recorded(app: Flask) -> None:
    org = new_org(name="Signers", status="active")
    user = new_user(Role.PARTNER_USER, org)
    admin = new_user(Role.PARTNER_ADMIN, org, name="Alex Kim")
    other_admin = new_user(Role.PARTNER_ADMIN, new_org(name="Elsewhere"))
    terms = current_content().program.agreement
    assert terms is not None
    for refused in (user, other_admin):
        with pytest.raises(AcceptanceRefused):
            accept_agreement(org, refused, terms, "Someone")
    assert not org_accepted_agreement(org.id, terms, utcnow().date())

    assert accept_agreement(org, admin, terms, "  Alex   Kim ")
    assert not accept_agreement(org, admin, terms, "Alex Kim")  # once per version
    db.session.commit()
    [row] = db.session.scalars(sa.select(AgreementAcceptance)).all()
    assert (row.version, row.signer_name, row.accepted_by_id) == (1, "Alex Kim", admin.id)
    assert org_accepted_agreement(org.id, terms, utcnow().date())
    audit = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "compliance.agreement_accepted")
    ).all()
    assert [(a.actor_id, a.after["version"]) for a in audit] == [(admin.id, 1)]


def test_a_new_version_ahead_keeps_the_old_acceptance_current_until_it_binds(app) -> None:
    org = new_org(name="Versioned", status="active")
    admin = new_user(Role.PARTNER_ADMIN, org)
    accept_agreement(org, admin, AgreementTerms("agreement", 1, date(2020, 1, 1)), "Ann")
    state = agreement_state(org.id, V2_AHEAD, TODAY)
    assert state.current and not state.newest_accepted
    assert state.accept_by == date(2027, 1, 20)
    assert state.label == "Version 2 due by 20 Jan 2027"
    late = agreement_state(org.id, V2_AHEAD, date(2027, 1, 21))
    assert not late.current and late.label == "Not accepted"
    accept_agreement(org, admin, V2_AHEAD, "Ann")
    assert agreement_state(org.id, V2_AHEAD, date(2027, 1, 21)).newest_accepted


@pytest.fixture
def version_two_ahead(app: Flask, monkeypatch: pytest.MonkeyPatch) -> AgreementTerms:
    """The content's agreement becomes version 2, binding 20 January 2027."""
    store = app.extensions[EXTENSION_KEY]
    index = current_content()
    program = dataclasses.replace(index.program, agreement=V2_AHEAD)
    monkeypatch.setattr(store, "_index", dataclasses.replace(index, program=program))
    return V2_AHEAD


def _reminders() -> list[tuple[str, str]]:
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == "agreement_reminder")
        .order_by(OutboxMessage.id)
    )
    return [(m.to_email, m.subject) for m in rows]


def test_reminders_go_to_the_admins_of_active_organisations_once_each(version_two_ahead) -> None:
    org = new_org(name="Remindme", status="active")
    admin = new_user(Role.PARTNER_ADMIN, org, email="admin@remind.example")
    new_user(Role.PARTNER_USER, org, email="user@remind.example")
    new_user(Role.PARTNER_ADMIN, new_org(name="Onboarding", status="onboarding"))
    done = new_org(name="Done", status="active")
    accept_agreement(done, new_user(Role.PARTNER_ADMIN, done), V2_AHEAD, "Dee")
    program = current_content().program

    assert send_agreement_reminders(program, TODAY - timedelta(days=30)) == 1
    assert send_agreement_reminders(program, TODAY - timedelta(days=29)) == 0  # never twice
    assert send_agreement_reminders(program, TODAY + timedelta(days=14)) == 1  # the last week
    assert send_agreement_reminders(program, TODAY + timedelta(days=15)) == 0
    db.session.commit()
    assert _reminders() == [
        (admin.email, "Remindme: accept version 2 of the partner agreement by 20 January 2027"),
        (admin.email, "Reminder: version 2 of the partner agreement binds on 20 January 2027"),
    ]
    message = db.session.scalars(sa.select(OutboxMessage)).first()
    assert message is not None and "/agreement" in message.body_text
    assert "/agreement" in (message.body_html or "")


def test_the_cli_queues_and_commits(version_two_ahead, runner) -> None:
    org = new_org(name="Cron", status="active")
    new_user(Role.PARTNER_ADMIN, org)
    result = runner.invoke(args=["compliance", "remind"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 e-mail." in result.output
    assert len(_reminders()) == 1


def test_the_tier_criterion_counts_the_version_binding_when_gathered(app) -> None:
    from portal.tiers.gather import gather_facts

    org = new_org(name="Tiered", status="active")
    accept_agreement(
        org, new_user(Role.PARTNER_ADMIN, org), AgreementTerms("agreement", 1, TODAY), "Tia"
    )
    program = dataclasses.replace(current_content().program, agreement=V2_AHEAD)
    before = utcnow().replace(year=2027, month=1, day=1)
    assert gather_facts([org], program, before)[org.id].agreement_current
    after = before.replace(day=20)
    assert not gather_facts([org], program, after)[org.id].agreement_current
