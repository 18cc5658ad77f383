"""The partner agreement: who accepted which version, what binds an organisation today, and
accepting it (a partner admin only, with their typed name, the time and the version).

Plain functions over the session (no request, no commit): the view commits once, so the
acceptance, its audit entry and an activation it completes are written together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.accounts.models import Organization, User
from portal.audit.service import record_audit
from portal.compliance.models import SIGNER_NAME_MAX, AgreementAcceptance
from portal.content.model_governance import AgreementTerms
from portal.db_types import insert_for_dialect, utcnow
from portal.extensions import db
from portal.signals import agreement_accepted


class AcceptanceRefused(Exception):
    """The user may not accept the agreement (not a partner admin of the organisation)."""


@dataclass(frozen=True)
class Acceptance:
    """One recorded acceptance, as pages show it."""

    version: int
    signer_name: str
    accepted_at: datetime


@dataclass(frozen=True)
class AgreementState:
    """Where an organisation stands with the partner agreement on a given day.

    `current`: the version that binds today is accepted (what `agreement_accepted` means).
    `newest_accepted`: the content's newest version is accepted too; when it is not and it
    binds later, `accept_by` is the day it binds.
    """

    terms: AgreementTerms
    required_version: int
    latest: Acceptance | None  # the highest version accepted

    @property
    def current(self) -> bool:
        return self.latest is not None and self.latest.version >= self.required_version

    @property
    def newest_accepted(self) -> bool:
        return self.latest is not None and self.latest.version >= self.terms.version

    @property
    def accept_by(self) -> date | None:
        """The day the newest version binds, while it is not accepted and still ahead."""
        if self.newest_accepted or self.terms.version == self.required_version:
            return None
        return self.terms.effective

    @property
    def label(self) -> str:
        """The state in a few words, for staff lists and badges."""
        if self.newest_accepted:
            return f"Version {self.terms.version} accepted"
        if self.current:
            return f"Version {self.terms.version} due by {self.terms.effective:%-d %b %Y}"
        return "Not accepted"


def latest_acceptances(org_ids: Iterable[int]) -> dict[int, Acceptance]:
    """Each organisation's highest accepted version (one statement for any number of them)."""
    ids = sorted(set(org_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(
            AgreementAcceptance.organization_id,
            AgreementAcceptance.version,
            AgreementAcceptance.signer_name,
            AgreementAcceptance.accepted_at,
        )
        .where(AgreementAcceptance.organization_id.in_(ids))
        .order_by(AgreementAcceptance.organization_id, AgreementAcceptance.version)
    )
    latest: dict[int, Acceptance] = {}
    for org_id, version, name, at in rows:
        latest[org_id] = Acceptance(version, name, at)  # ascending: the last one wins
    return latest


def agreement_state(org_id: int, terms: AgreementTerms, today: date) -> AgreementState:
    """The organisation's standing with the agreement on `today`."""
    return AgreementState(
        terms, terms.required_version(today), latest_acceptances([org_id]).get(org_id)
    )


def org_accepted_agreement(org_id: int, terms: AgreementTerms | None, today: date) -> bool:
    """True when the version binding on `today` is accepted (False without an agreement)."""
    return terms is not None and agreement_state(org_id, terms, today).current


def acceptance_history(org_id: int) -> list[tuple[Acceptance, str]]:
    """Every acceptance of the organisation, newest first, with the admin's e-mail."""
    rows = db.session.execute(
        sa.select(AgreementAcceptance, User.email)
        .join(User, User.id == AgreementAcceptance.accepted_by_id)
        .where(AgreementAcceptance.organization_id == org_id)
        .order_by(AgreementAcceptance.version.desc())
    ).all()
    return [(Acceptance(a.version, a.signer_name, a.accepted_at), email) for a, email in rows]


def can_accept(user: User, org: Organization) -> bool:
    """Only an active partner admin of the organisation binds it."""
    return user.is_partner_admin and user.active and user.organization_id == org.id


def accept_agreement(
    org: Organization, user: User, terms: AgreementTerms, signer_name: str
) -> bool:
    """Record that `user` accepted the newest version for `org`; True if this call recorded it.

    Raises AcceptanceRefused for anyone but a partner admin of the organisation. Accepting a
    version already accepted changes nothing (the database decides: a unique constraint).
    """
    if not can_accept(user, org):
        raise AcceptanceRefused("Only a partner admin of the organisation can accept it.")
    name = " ".join(signer_name.split())[:SIGNER_NAME_MAX]
    if not name:
        raise ValueError("the signer's name is required")
    inserted = db.session.scalar(
        insert_for_dialect(AgreementAcceptance)
        .values(
            organization_id=org.id,
            version=terms.version,
            accepted_by_id=user.id,
            signer_name=name,
            accepted_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "version"])
        .returning(AgreementAcceptance.id)
    )
    if inserted is None:
        return False
    record_audit(
        user,
        "compliance.agreement_accepted",
        "organization",
        org.id,
        organization_id=org.id,
        after={"version": terms.version, "signer_name": name},
    )
    agreement_accepted.send(None, organization_id=org.id, user=user, version=terms.version)
    return True
