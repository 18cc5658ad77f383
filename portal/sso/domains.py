"""E-mail domains a provider answers for: reading the list, and who may claim which domain.

No Flask, no database: `claim_problem` is given the facts (who else uses the domain, the
claimant's own address, the organisation's website) and answers in words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from portal.patterns import LDH_HOST
from portal.referrals.api import FREE_MAIL_DOMAINS, normalise_domain

__all__ = [
    "DOMAINS_INPUT_MAX",
    "MAX_DOMAINS",
    "Claim",
    "DomainProblem",
    "claim_problem",
    "domain_of",
    "parse_domains",
]

# The text box holds at most this many characters, and a provider at most MAX_DOMAINS domains.
DOMAINS_INPUT_MAX = 2000
MAX_DOMAINS = 20
DOMAIN_MAX = 253


class DomainProblem(ValueError):
    """A domain list the rules refuse; the message names the domain and why."""


@dataclass(frozen=True)
class Claim:
    """A domain and how its claim was verified (SsoDomain.verified_by)."""

    domain: str
    verified_by: str


def domain_of(email: str) -> str:
    """The domain part of an (already normalised) e-mail address."""
    return email.rpartition("@")[2].lower()


def parse_domains(text: str) -> list[str]:
    """The domains in a comma-, space- or line-separated list, lower case, each once, in order.

    Raises DomainProblem for text too long, too many domains, or one that is no domain name.
    """
    if len(text) > DOMAINS_INPUT_MAX:
        raise DomainProblem(f"Keep the list under {DOMAINS_INPUT_MAX} characters.")
    found: list[str] = []
    for raw in text.replace(",", " ").split():
        domain = raw.strip().lower().removeprefix("@").rstrip(".")
        if not domain or domain in found:
            continue
        if (
            len(domain) > DOMAIN_MAX
            or "." not in domain
            or not domain.isascii()
            or LDH_HOST.fullmatch(domain) is None
        ):
            raise DomainProblem(f"{raw[:60]} is not a domain name (e.g. example.com).")
        found.append(domain)
    if len(found) > MAX_DOMAINS:
        raise DomainProblem(f"List at most {MAX_DOMAINS} domains.")
    return found


def _public(domain: str) -> bool:
    # A free-mail domain itself or a name under it (anyone can have an address there).
    return domain in FREE_MAIL_DOMAINS or any(
        domain.endswith("." + free) for free in FREE_MAIL_DOMAINS
    )


def _website_host(website: str) -> str:
    text = website.strip().lower()
    if len(text) > 300:
        return ""
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def claim_problem(
    domain: str,
    *,
    by_staff: bool,
    claimant_email: str,
    website: str,
    used_elsewhere: Iterable[str],
    claimed_elsewhere: bool,
) -> Claim | str:
    """How the claim on `domain` is verified, or why it is refused.

    - Public mail domains (gmail.com, ... and names under them) are never claimed.
    - A domain another provider has, or at which another organisation's people (or staff)
      already have accounts, is refused: a domain belongs to one organisation.
    - Verified without DNS: the partner admin's own address is at the domain, or the domain is
      the organisation's website (which the partner team set). Staff may claim any other
      domain for an organisation or the team: they know their partners.
    """
    if _public(domain):
        return f"{domain} is a public mail domain: only a company's own domain can be used."
    if claimed_elsewhere:
        return f"{domain} is already used for single sign-on by another organisation."
    others = sorted(used_elsewhere)
    if others:
        return (
            f"{domain} is already used by people of another organisation "
            f"({', '.join(others)}): ask the partner team."
        )
    if by_staff:
        return Claim(domain, "staff")
    if domain_of(claimant_email) == domain:
        return Claim(domain, "admin_email")
    if domain in (_website_host(website), normalise_domain(website)):
        return Claim(domain, "website")
    return (
        f"{domain} could not be verified: use the domain of your own e-mail address "
        f"({domain_of(claimant_email)}), or ask the partner team to add it."
    )
