"""An onboarding step of kind `agreement` is done once a partner admin accepts the binding
version, and completing it activates the organisation (through the agreement_accepted signal).
"""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask

from portal.accounts.models import Role
from portal.content.model import Step
from portal.content_runtime import EXTENSION_KEY, current_content
from portal.extensions import db
from tests.conftest import new_org, new_user


@pytest.fixture
def agreement_checklist(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The referral checklist is one required step: accept the partner agreement."""
    index = current_content()
    step = Step(id="accept-agreement", kind="agreement", title="Accept the partner agreement")
    checklist = dataclasses.replace(index.checklists["referral"], steps=(step,))
    checklists = {**index.checklists, "referral": checklist}
    store = app.extensions[EXTENSION_KEY]
    monkeypatch.setattr(store, "_index", dataclasses.replace(index, checklists=checklists))


def test_accepting_the_agreement_completes_the_step_and_activates(agreement_checklist, login):
    org = new_org(name="Newcomer", status="onboarding")
    user = new_user(Role.PARTNER_USER, org)
    admin = new_user(Role.PARTNER_ADMIN, org)
    page = login(user).get("/onboarding").get_data(as_text=True)
    assert "Completes when a partner admin of your organisation accepts the agreement." in page
    assert 'href="/agreement"' in page
    assert "Mark as done" not in page  # nobody ticks the agreement
    login(admin).post("/agreement", data={"signer_name": "Ada", "authorised": "y"})
    db.session.refresh(org)
    assert org.status == "active" and org.activated_at is not None
    page = login(admin).get("/onboarding").get_data(as_text=True)
    assert "A partner admin accepted the partner agreement." in page
