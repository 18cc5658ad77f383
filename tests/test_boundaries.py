"""A feature writes only its own tables: other features change them through its functions.

tests/feature_writes.py reads every module of portal/ with `ast` and lists where one writes a
model of another feature (constructs, adds, deletes, assigns an attribute, bulk statements,
SQL text). The referral feature's tables are written by portal/referrals alone; the writes
still known elsewhere are listed below with the reason each one stands; a new one fails.
"""

from __future__ import annotations

import textwrap

import pytest
from flask import Flask

from portal.extensions import db
from tests.feature_writes import all_foreign_writes, foreign_writes
from tests.source_types import PORTAL, Project


@pytest.fixture(scope="module")
def project() -> Project:
    return Project()


# (path, what) of writes to another feature's models that stand for now, and why. An entry
# that no longer matches anything fails too: take it out when its write is gone.
KNOWN_WRITES: dict[tuple[str, str], str] = {
    # A transient copy of the signed-in user for error pages, never added to a session.
    ("portal/errors.py", "constructs User"): "transient copy",
}


def test_only_portal_referrals_writes_the_referral_tables(project: Project) -> None:
    writes = all_foreign_writes(project, of_feature="referrals")
    assert [str(w) for w in writes] == [], (
        "Change referrals, events, commissions, registrations and customers through "
        "portal.referrals.api, not directly"
    )


def test_writes_across_features_are_only_the_known_ones(project: Project) -> None:
    found = {(w.path, w.what): w for w in all_foreign_writes(project)}
    new = [str(w) for key, w in sorted(found.items()) if key not in KNOWN_WRITES]
    gone = [f"{path}: {what}" for path, what in KNOWN_WRITES if (path, what) not in found]
    assert new == [], "a module writes another feature's models: call that feature's functions"
    assert gone == [], "no longer written: remove these from KNOWN_WRITES"


# --- the check finds what it must ---------------------------------------------------------


def test_the_check_knows_every_table(app: Flask, project: Project) -> None:
    """Read from the source, the models are the tables the app's metadata holds."""
    assert {model.table for model in project.models.values()} == set(db.metadata.tables)


def _writes(project: Project, source: str, feature: str | None = "inbox") -> list[str]:
    source = textwrap.dedent(source)
    return [f"{w.line}: {w.what}" for w in foreign_writes(project, source, "x.py", feature)]


def test_finds_attribute_writes_on_annotated_and_loaded_instances(project: Project) -> None:
    source = """
        import sqlalchemy as sa
        from portal.extensions import db
        from portal.referrals.models import Commission, Referral

        def act(referral: Referral, commission: "Commission | None", referral_id: int):
            referral.status = "won"
            commission.paid_at = None
            found = db.session.get(Referral, referral_id)
            found.owner_id = 3
            locked = db.session.scalar(sa.select(Referral).filter_by(id=7).with_for_update())
            locked.deal_value_minor += 5
            for each in db.session.scalars(sa.select(Referral)):
                setattr(each, "region", "EMEA")
            del found.close_reason
    """
    assert _writes(project, source) == [
        "7: sets Referral.status",
        "8: sets Commission.paid_at",
        "10: sets Referral.owner_id",
        "12: sets Referral.deal_value_minor",
        "14: sets Referral attributes with setattr",
        "15: sets Referral.close_reason",
    ]


def test_finds_instances_from_functions_and_attributes_anywhere_in_portal(
    project: Project,
) -> None:
    source = """
        from portal.inbox.detail import referral_by_reference
        from portal.inbox.listing import InboxRow

        def act(row: InboxRow, ref: str):
            row.referral.status = "lost"
            found = referral_by_reference(ref)
            found.close_reason = "x"
            row.referral.organization.tier = "gold"
    """
    assert _writes(project, source) == [
        "6: sets Referral.status",
        "8: sets Referral.close_reason",
        "9: sets Organization.tier",
    ]


def test_finds_constructing_deleting_and_bulk_statements(project: Project) -> None:
    source = """
        import sqlalchemy as sa
        from portal.db_types import insert_for_dialect
        from portal.extensions import db
        from portal.referrals import models as referral_models
        from portal.referrals.api import Customer as Listed  # a re-export counts too

        def act(customer_id: int):
            db.session.add(referral_models.Commission(amount_minor=1))
            gone = db.session.get(Listed, customer_id)
            db.session.delete(gone)
            db.session.execute(sa.update(referral_models.Referral).values(region=""))
            db.session.execute(insert_for_dialect(Listed).values(domain="a.com"))
            db.session.execute(sa.text("DELETE FROM customers WHERE id = :id"))
    """
    assert _writes(project, source) == [
        "9: constructs Commission",
        "9: session.add() of a Commission",
        "11: session.delete() of a Customer",
        "12: update(Referral) statement",
        "13: insert_for_dialect(Customer) statement",
        "14: writes table customers in SQL text",
    ]


def test_the_referral_feature_s_own_writes_are_found_when_seen_from_outside(
    project: Project,
) -> None:
    """The real code's ways of writing are recognised: each writer module is found."""
    writers = set()
    for path in (PORTAL / "referrals").glob("*.py"):
        if foreign_writes(project, path.read_text(), path.name, None, of_feature="referrals"):
            writers.add(path.stem)
    assert writers >= {
        "commission_lifecycle",
        "customer_list",
        "events",
        "outcomes",
        "pipeline",
        "registration",
        "reminders",
        "service",
        "triage",
    }


def test_reads_prose_and_a_feature_s_own_models_are_not_writes(project: Project) -> None:
    reads = """
        '''We update referrals through the API; DELETE FROM customers is for the owner.'''
        import sqlalchemy as sa
        from portal.extensions import db
        from portal.referrals.models import Referral

        class AssignForm:
            owner = SelectField()  # a form field, not Referral.owner

            def set_staff(self, staff):
                self.owner.choices = staff

        def show(referral: Referral, form):
            closed = referral.status == "won"
            form.status.data = referral.status
            rows = db.session.scalars(sa.select(Referral)).all()
            return closed, rows
    """
    assert _writes(project, reads) == []
    own = """
        from portal.referrals.models import Referral

        def close(referral: Referral) -> None:
            referral.status = "lost"
    """
    assert _writes(project, own, feature="referrals") == []
    assert _writes(project, own, feature=None) == ["5: sets Referral.status"]
