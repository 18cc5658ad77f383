"""What a question may be about: a referral, a commission, a kit, a module or a program page.

A subject travels as one string, `kind:key` (`referral:R-000123`, `kit:launch-kit`,
`module:basics/welcome`, `page:rules`), in the "Ask about this" link's `?about=` and in the
ask form. `resolve` checks it against what the asking user may see (their organisation's
referrals, kits and paths in their audience, the program's pages) and gives its words and
link; anything else is no subject at all. Bounded before any parsing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from portal.accounts.models import User
from portal.content.fields import is_slug
from portal.content.model import ContentIndex
from portal.kits.api import kit_for
from portal.referrals.api import reference_of, referral_for

ABOUT_MAX = 220
KINDS: dict[str, str] = {
    "referral": "Referral",
    "commission": "Commission on referral",
    "kit": "Kit",
    "module": "Module",
    "page": "Program page",
}


@dataclass(frozen=True)
class Subject:
    """A question's subject, checked: its stored kind and key, its words and its page."""

    kind: str
    key: str
    label: str  # "Referral R-000123", "Kit: Launch kit"
    url: str

    @property
    def about(self) -> str:
        return f"{self.kind}:{self.key}"


def split_about(about: object) -> tuple[str, str] | None:
    """`kind:key` as its two parts, or None when it is not one (never raises)."""
    if not isinstance(about, str) or not 0 < len(about) <= ABOUT_MAX:
        return None
    kind, sep, key = about.strip().partition(":")
    if not sep or kind not in KINDS or not key:
        return None
    return kind, key


def resolve(about: object, user: User, index: ContentIndex) -> Subject | None:
    """The subject `about` names, if it exists and the user may see it; else None."""
    parts = split_about(about)
    if parts is None:
        return None
    kind, key = parts
    if kind in ("referral", "commission"):
        referral = referral_for(user, key)
        if referral is None:
            return None
        ref = reference_of(referral.id)
        if kind == "referral":
            return Subject(kind, ref, f"Referral {ref}", url_for("referrals.detail", ref=ref))
        return Subject(kind, ref, f"Commission on referral {ref}", url_for("earnings.index"))
    if kind == "kit":
        kit = kit_for(user, index, key) if is_slug(key) else None
        if kit is None:
            return None
        return Subject(kind, kit.id, f"Kit: {kit.title}", url_for("kits.kit", kit_id=kit.id))
    if kind == "module":
        return _module(key, user, index)
    page = index.pages.get(key) if is_slug(key) else None
    if page is None:
        return None
    return Subject(
        kind, page.id, f"Program page: {page.title}", url_for("main.program_page", page_id=page.id)
    )


def _module(key: str, user: User, index: ContentIndex) -> Subject | None:
    path_id, _, module_id = key.partition("/")
    if not (is_slug(path_id) and is_slug(module_id)):
        return None
    path = index.paths.get(path_id)
    org = user.organization
    if path is None or org is None or not path.is_for(org.partner_type):
        return None
    module = path.module(module_id)
    if module is None:
        return None
    return Subject(
        "module",
        f"{path.id}/{module.id}",
        f"Module: {module.title}",
        url_for("learning.module", path_id=path.id, module_id=module.id),
    )


def stored(kind: str | None, key: str | None, user: User, index: ContentIndex) -> Subject | None:
    """A stored question's subject as its page shows it (None when it had none or is gone)."""
    if kind is None or key is None:
        return None
    return resolve(f"{kind}:{key}", user, index)


__all__ = ["ABOUT_MAX", "KINDS", "Subject", "resolve", "split_about", "stored"]
