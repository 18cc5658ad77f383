"""How many people hold a valid certification, per organisation and learning path."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from portal.db_types import utcnow
from portal.extensions import db
from portal.learning.models import Certification


def certified_people_by_path(
    org_ids: Collection[int] | None = None,
) -> dict[int, dict[str, int]]:
    """{organisation id: {path id: people certified}} for valid (unexpired, unrevoked)
    certifications, one grouped statement; `org_ids` None reads every organisation."""
    now = utcnow()
    stmt = (
        sa.select(
            Certification.organization_id,
            Certification.path_id,
            sa.func.count(sa.distinct(Certification.user_id)),
        )
        .where(
            Certification.revoked_at.is_(None),
            sa.or_(Certification.expires_at.is_(None), Certification.expires_at > now),
        )
        .group_by(Certification.organization_id, Certification.path_id)
    )
    if org_ids is not None:
        stmt = stmt.where(Certification.organization_id.in_(list(org_ids)))
    result: dict[int, dict[str, int]] = {}
    for org_id, path_id, people in db.session.execute(stmt):
        if org_id is not None:
            result.setdefault(org_id, {})[path_id] = people
    return result
