"""An organisation's (or the partner team's) identity provider: reading and saving its settings.

Functions add to the session and never commit; every change is audited (never the secret).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.api import domain_users_elsewhere
from portal.accounts.models import Organization, User
from portal.audit.service import record_audit
from portal.db_types import utcnow
from portal.extensions import db
from portal.sso.domains import Claim, DomainProblem, claim_problem, parse_domains
from portal.sso.models import SsoDomain, SsoProvider, owner_key
from portal.sso.provider_http import ProviderUnreachable, metadata_of, require_allowed
from portal.sso.secret_box import reveal, seal

__all__ = [
    "CLIENT_ID_MAX",
    "ISSUER_MAX",
    "SECRET_MAX",
    "ProviderInput",
    "SettingsRefused",
    "provider_for",
    "save_provider",
    "secret_readable",
]

ISSUER_MAX = 300
CLIENT_ID_MAX = 200
SECRET_MAX = 500
PASSWORDS_NEED_SSO = "Passwords can be turned off only while single sign-on is on."


class SettingsRefused(ValueError):
    """Settings the rules refuse: a message per form field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class ProviderInput:
    """What the settings form sends; an empty `client_secret` keeps the stored one."""

    issuer: str
    client_id: str
    client_secret: str
    domains: str
    enabled: bool
    jit_provisioning: bool
    password_login_disabled: bool


def provider_for(organization_id: int | None) -> SsoProvider | None:
    """The organisation's provider (None: the partner team's), configured or not."""
    return db.session.scalar(
        sa.select(SsoProvider).where(SsoProvider.owner == owner_key(organization_id))
    )


def secret_readable(provider: SsoProvider, secret_key: str) -> bool:
    """Whether the stored client secret can still be decrypted (SECRET_KEY unchanged)."""
    return reveal(provider.client_secret_encrypted, secret_key) is not None


def _claims(
    domains: list[str],
    provider: SsoProvider | None,
    organization: Organization | None,
    actor: User,
) -> tuple[list[Claim], list[str]]:
    kept = {row.domain: row for row in provider.domains} if provider is not None else {}
    claims: list[Claim] = []
    problems: list[str] = []
    for domain in domains:
        if domain in kept:  # verified when it was added
            claims.append(Claim(domain, kept[domain].verified_by))
            continue
        claimed_elsewhere = db.session.scalar(
            sa.select(sa.func.count()).select_from(SsoDomain).where(SsoDomain.domain == domain)
        )
        answer = claim_problem(
            domain,
            by_staff=actor.is_staff,
            claimant_email=actor.email,
            website=organization.website if organization is not None else "",
            used_elsewhere=domain_users_elsewhere(
                domain, organization.id if organization is not None else None
            ),
            claimed_elsewhere=bool(claimed_elsewhere),
        )
        if isinstance(answer, Claim):
            claims.append(answer)
        else:
            problems.append(answer)
    return claims, problems


def _check(
    values: ProviderInput,
    provider: SsoProvider | None,
    organization: Organization | None,
    actor: User,
    secret_key: str,
    allowed_hosts: Collection[str],
) -> list[Claim]:
    problems: dict[str, str] = {}
    issuer = values.issuer.strip()
    if not issuer:
        problems["issuer"] = "Enter the issuer URL."
    elif len(issuer) > ISSUER_MAX:
        problems["issuer"] = f"Use at most {ISSUER_MAX} characters."
    else:
        try:
            # DNS is asked when the provider is switched on (metadata_of, below).
            require_allowed(issuer, allowed_hosts, resolve=False)
        except ProviderUnreachable as exc:
            problems["issuer"] = str(exc)
    client_id = values.client_id.strip()
    if not client_id or len(client_id) > CLIENT_ID_MAX:
        problems["client_id"] = f"Enter the client id (at most {CLIENT_ID_MAX} characters)."
    if len(values.client_secret) > SECRET_MAX:
        problems["client_secret"] = f"Use at most {SECRET_MAX} characters."
    elif not values.client_secret and (
        provider is None or not secret_readable(provider, secret_key)
    ):
        problems["client_secret"] = "Enter the client secret."  # noqa: S105 (a message)
    claims: list[Claim] = []
    try:
        claims, domain_problems = _claims(
            parse_domains(values.domains), provider, organization, actor
        )
        if domain_problems:
            problems["domains"] = " ".join(domain_problems)
    except DomainProblem as exc:
        problems["domains"] = str(exc)
    if values.enabled and not claims and "domains" not in problems:
        problems["domains"] = "List at least one e-mail domain before turning single sign-on on."
    if values.password_login_disabled and not values.enabled:
        problems["password_login_disabled"] = PASSWORDS_NEED_SSO
    if values.enabled and "issuer" not in problems:
        try:
            metadata_of(issuer, allowed_hosts, fresh=True)
        except ProviderUnreachable as exc:
            problems["issuer"] = f"Single sign-on cannot be turned on: {exc}"
    if problems:
        raise SettingsRefused(problems)
    return claims


def _state(provider: SsoProvider) -> dict[str, object]:
    return {
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "domains": provider.domain_names,
        "enabled": provider.enabled,
        "jit_provisioning": provider.jit_provisioning,
        "password_login_disabled": provider.password_login_disabled,
    }


def save_provider(
    actor: User,
    organization: Organization | None,
    values: ProviderInput,
    *,
    secret_key: str,
    allowed_hosts: Collection[str],
) -> SsoProvider:
    """Create or change the provider of `organization` (None: the partner team's).

    Raises SettingsRefused with a message per field. The caller checked who may do this.
    """
    provider = provider_for(organization.id if organization is not None else None)
    claims = _check(values, provider, organization, actor, secret_key, allowed_hosts)
    before = _state(provider) if provider is not None else None
    org_id = organization.id if organization is not None else None
    if provider is None:
        provider = SsoProvider(organization_id=org_id, owner=owner_key(org_id))
        db.session.add(provider)
    provider.issuer = values.issuer.strip()
    provider.client_id = values.client_id.strip()
    if values.client_secret:
        provider.client_secret_encrypted = seal(values.client_secret, secret_key)
    provider.enabled = values.enabled
    provider.jit_provisioning = values.jit_provisioning
    provider.password_login_disabled = values.password_login_disabled
    provider.updated_by_id = actor.id
    provider.updated_at = utcnow()
    wanted = {claim.domain: claim for claim in claims}
    for row in list(provider.domains):
        if row.domain not in wanted:
            provider.domains.remove(row)
    have = set(provider.domain_names)
    # Removed rows are deleted before new ones are inserted: a domain moved between
    # lines of the same list never meets itself in the unique index.
    db.session.flush()
    for claim in claims:
        if claim.domain not in have:
            provider.domains.append(SsoDomain(domain=claim.domain, verified_by=claim.verified_by))
    db.session.flush()
    after = {**_state(provider), "secret_changed": bool(values.client_secret)}
    record_audit(
        actor,
        "sso.configured" if before is None else "sso.changed",
        "sso_provider",
        provider.id,
        organization_id=org_id,
        before=before,
        after=after,
    )
    return provider
