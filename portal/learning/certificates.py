"""Certifications: issuing one when a path is complete, their status, revoking them.

Functions add to the session and never commit; the view commits once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit.service import record_audit
from portal.content.model import LearningPath
from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import Certification
from portal.learning.progress import PathProgress, path_progress
from portal.learning.renewal import EXPIRED, REVOKED, VALID, certification_status
from portal.outbound_events import publish_event
from portal.signals import certification_issued

__all__ = [
    "EXPIRED",
    "REASON_MAX_LENGTH",
    "REVOKED",
    "VALID",
    "CertificationError",
    "certification_by_code",
    "certification_status",
    "certifications_for_org",
    "certifications_for_user",
    "certified_organizations",
    "claim_certification",
    "issue_certification_if_complete",
    "new_verification_code",
    "org_has_valid_certification",
    "revoke",
]

REASON_MAX_LENGTH = 500
CODE_BYTES = 12  # 16 URL-safe characters, 96 random bits


class CertificationError(Exception):
    """A certification change that cannot be made; the message says why."""


def new_verification_code() -> str:
    """A random, URL-safe verification code (16 characters)."""
    return secrets.token_urlsafe(CODE_BYTES)


def issue_certification_if_complete(
    user: User, path: LearningPath, now: datetime, progress: PathProgress | None = None
) -> Certification | None:
    """Issue the path's certification when every module is passed in the current cycle and
    the learner holds no valid one; sends `certification_issued`. Returns the new one or None.

    `progress`, when the caller already knows it (up to date), saves the queries.
    """
    if progress is None:
        progress = path_progress(user, path, now, with_attempts=False)
    if progress.certified or not progress.complete:
        return None
    cert = Certification(
        user_id=user.id,
        organization_id=user.organization_id,
        path_id=path.id,
        certificate_name=path.certificate,
        code=new_verification_code(),
        issued_at=now,
        expires_at=now + timedelta(days=path.valid_days) if path.valid_days else None,
    )
    db.session.add(cert)
    db.session.flush()
    certification_issued.send(
        None, organization_id=user.organization_id, user=user, path_id=path.id
    )
    publish_event(
        "certification.issued",
        {
            "certification": {
                "verification_code": cert.code,
                "organization_id": cert.organization_id,
                "holder_name": user.display_name,
                "path_id": path.id,
                "certificate_name": cert.certificate_name,
                "issued_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "expires_at": cert.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z")
                if cert.expires_at
                else None,
            }
        },
    )
    return cert


def claim_certification(
    user: User, path: LearningPath, now: datetime | None = None
) -> Certification:
    """Issue the path's certification on request: for a path complete in the current cycle
    with no valid certification (e.g. content removed the only module left to pass), which no
    submission will ever issue. Raises CertificationError, saying why, otherwise.

    The learner's row is locked first (`SELECT ... FOR UPDATE`, where the database has it) so
    that two clicks of the button issue one certification.
    """
    now = now or utcnow()
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    progress = path_progress(user, path, now, with_attempts=False)
    if progress.certified:
        raise CertificationError(f"You already hold a valid {path.certificate} certificate.")
    if not progress.complete:
        raise CertificationError(f"Pass every module of {path.title} first.")
    cert = issue_certification_if_complete(user, path, now, progress=progress)
    assert cert is not None  # complete and not certified
    return cert


def org_has_valid_certification(org_id: int, path_id: str) -> bool:
    """True when someone in the organisation holds a valid certification for the path."""
    now = utcnow()
    stmt = sa.select(Certification.id).where(
        Certification.organization_id == org_id,
        Certification.path_id == path_id,
        Certification.revoked_at.is_(None),
        sa.or_(Certification.expires_at.is_(None), Certification.expires_at > now),
    )
    return db.session.scalar(stmt.limit(1)) is not None


def orgs_with_valid_certification(path_id: str) -> set[int]:
    """The organisations in which someone holds a valid certification for the path."""
    stmt = certified_organizations(path_id, utcnow())
    return {org_id for org_id in db.session.scalars(stmt.distinct()) if org_id is not None}


def certified_organizations(
    path_id: str, now: datetime | sa.BindParameter[datetime]
) -> sa.Select[int | None]:
    """The organisation ids holding a valid certification for the path at `now`, as a select
    another feature's query can use (`Organization.id.in_(...)`): the lead routing reads it
    inside its one eligibility statement instead of loading every holder per lead; `now`
    may be a bound parameter of that statement."""
    return sa.select(Certification.organization_id).where(
        Certification.path_id == path_id,
        Certification.revoked_at.is_(None),
        sa.or_(Certification.expires_at.is_(None), Certification.expires_at > now),
    )


def certifications_for_org(org_id: int) -> list[Certification]:
    """Every certification held in the organisation, newest first, holders loaded."""
    return list(
        db.session.scalars(
            sa.select(Certification)
            .options(joinedload(Certification.user))
            .where(Certification.organization_id == org_id)
            .order_by(Certification.issued_at.desc(), Certification.id.desc())
        )
    )


def certifications_for_user(user_id: int) -> list[Certification]:
    """The user's certifications, newest first."""
    return list(
        db.session.scalars(
            sa.select(Certification)
            .where(Certification.user_id == user_id)
            .order_by(Certification.issued_at.desc(), Certification.id.desc())
        )
    )


def certification_by_code(code: str) -> Certification | None:
    """The certification with this verification code, holder loaded, or None."""
    if not code or len(code) > Certification.code.type.length:
        return None
    return db.session.scalar(
        sa.select(Certification)
        .options(joinedload(Certification.user))
        .where(Certification.code == code)
    )


def revoke(cert: Certification, actor: User, reason: str, now: datetime | None = None) -> None:
    """Revoke a certification with a reason, recording who did it in the audit log."""
    reason = reason.strip()
    if not reason:
        raise CertificationError("Give a reason for revoking the certification.")
    if len(reason) > REASON_MAX_LENGTH:
        raise CertificationError(f"Keep the reason under {REASON_MAX_LENGTH} characters.")
    if cert.revoked_at is not None:
        raise CertificationError("This certification is already revoked.")
    now = now or utcnow()
    before = {"status": certification_status(cert, now)}
    cert.revoked_at = now
    cert.revoked_reason = reason
    cert.revoked_by_id = actor.id
    record_audit(
        actor,
        "certification.revoke",
        "certification",
        cert.id,
        organization_id=cert.organization_id,
        before=before,
        after={"status": REVOKED, "reason": reason, "path_id": cert.path_id},
    )
