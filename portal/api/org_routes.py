"""/api/v1/organizations and /api/v1/commissions: organisations, certifications, earnings.

Partner tokens read their own organisation (another's is a 404) and its commissions; staff
tokens read every organisation a page at a time.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_smorest import Blueprint

from portal.accounts.access import scoped_to_org
from portal.accounts.models import Organization
from portal.api.auth import current_token, current_user, limit_api, token_required
from portal.api.documented import documented
from portal.api.problems import ApiProblem, register_handlers
from portal.api.schemas import (
    CertificationSchema,
    CommissionSchema,
    OrganizationListArgs,
    OrganizationPageSchema,
    OrganizationSchema,
)
from portal.api.serialize import certification_dict, commission_dict, organization_dict
from portal.extensions import csrf, db
from portal.learning.api import certifications_for_org
from portal.referrals.api import earnings_for

bp = Blueprint(
    "api_organizations",
    __name__,
    url_prefix="/api/v1",
    description="Organisations, their certifications and commissions.",
)
# Set up once, at import (a blueprint cannot change after an app registered it): problem
# documents for errors, no CSRF (Bearer tokens only, no cookies: portal/api/auth.py), and a
# rate limit per token.
register_handlers(bp)
csrf.exempt(bp)
limit_api(bp)


def _organization_or_404(org_id: int) -> Organization:
    stmt = sa.select(Organization).where(Organization.id == org_id)
    org = db.session.scalar(scoped_to_org(stmt, Organization.id, current_user()))
    if org is None:
        raise ApiProblem(404, "No organisation with this id.")
    return org


@bp.route("/organizations", methods=["GET"])
@token_required("org:read")
@bp.arguments(OrganizationListArgs, location="query", as_kwargs=True)
@bp.response(200, OrganizationPageSchema)
@documented(401, 403, 422, 429)
def list_organizations(limit: int, after: int | None = None) -> Any:
    """Organisations by id, a page at a time (scope org:read); a partner token sees its own."""
    stmt = sa.select(Organization).order_by(Organization.id).limit(limit + 1)
    stmt = scoped_to_org(stmt, Organization.id, current_user())
    if after is not None:
        stmt = stmt.where(Organization.id > after)
    found = list(db.session.scalars(stmt))
    page = found[:limit]
    return {
        "items": [organization_dict(org) for org in page],
        "next_cursor": page[-1].id if len(found) > limit else None,
    }


@bp.route("/organizations/<id:org_id>", methods=["GET"])
@token_required("org:read")
@bp.response(200, OrganizationSchema)
@documented(401, 403, 404, 429)
def get_organization(org_id: int) -> Any:
    """One organisation (scope org:read); another organisation's is a 404 for partners."""
    return organization_dict(_organization_or_404(org_id))


@bp.route("/organizations/<id:org_id>/certifications", methods=["GET"])
@token_required("org:read")
@bp.response(200, CertificationSchema(many=True))
@documented(401, 403, 404, 429)
def list_certifications(org_id: int) -> Any:
    """The certifications held in an organisation, newest first (scope org:read)."""
    org = _organization_or_404(org_id)
    return [certification_dict(cert) for cert in certifications_for_org(org.id)]


@bp.route("/commissions", methods=["GET"])
@token_required("commissions:read")
@bp.response(200, CommissionSchema(many=True))
@documented(401, 403, 429)
def list_commissions() -> Any:
    """The organisation's commissions, newest first (partner tokens; scope commissions:read)."""
    org_id = current_token().organization_id
    if org_id is None:  # pragma: no cover - staff tokens are never given commissions:read
        raise ApiProblem(403, "Commissions are read with a partner token.")
    return [commission_dict(row) for row in earnings_for(org_id).rows]
