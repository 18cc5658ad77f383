"""Kit rules: who sees which kit, engagement events for downloads and template use.

Plain functions over the content index and the session; no request. Recording functions add
to the session and never commit: the view commits once, before the file leaves the server.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.access import audience_check
from portal.accounts.models import User
from portal.audit.models import ActivityEvent
from portal.audit.service import record_activity
from portal.content.cobrand import CobrandContext, render_cobranded
from portal.content.library import Kit, KitFile, KitTemplate
from portal.content.model import ContentIndex, Program
from portal.extensions import db
from portal.signals import kit_downloaded

__all__ = [
    "KIT_DOWNLOAD",
    "TEMPLATE_COPY",
    "TEMPLATE_DOWNLOAD",
    "cobrand_context",
    "kit_choices",
    "kit_for",
    "kits_for",
    "org_has_kit_download",
    "record_download",
    "record_template_use",
    "render_template_for",
    "visible_to",
]

# ActivityEvent kinds (≤ 30 characters).
KIT_DOWNLOAD = "kit_download"
TEMPLATE_COPY = "template_copy"
TEMPLATE_DOWNLOAD = "template_download"
TEMPLATE_USES = {"copy": TEMPLATE_COPY, "download": TEMPLATE_DOWNLOAD}


def visible_to(user: User, kit: Kit, program: Program) -> bool:
    """True when the kit's audience admits the user's organisation."""
    return audience_check(user, program)(kit.audience)


def _matches(kit: Kit, words: list[str]) -> bool:
    haystack = " ".join((kit.title, kit.summary, *kit.tags)).casefold()
    return all(word in haystack for word in words)


def kits_for(user: User, index: ContentIndex, kind: str | None = None, q: str = "") -> list[Kit]:
    """The kits the user may see, optionally of one kind and matching every word of `q`."""
    words = q.casefold().split()
    return sorted(
        (
            kit
            for kit in index.kits.values()
            if (not kind or kit.kind == kind)
            and visible_to(user, kit, index.program)
            and _matches(kit, words)
        ),
        key=lambda kit: kit.title.casefold(),
    )


def kit_for(user: User, index: ContentIndex, kit_id: str) -> Kit | None:
    """The kit, or None when it does not exist or is outside the user's audience (both 404)."""
    kit = index.kits.get(kit_id)
    if kit is None or not visible_to(user, kit, index.program):
        return None
    return kit


def kit_choices(user: User, index: ContentIndex) -> list[tuple[str, str]]:
    """(kit id, title) of every kit the user may see, by title: "which kit did this come from"."""
    return [(kit.id, kit.title) for kit in kits_for(user, index)]


def record_download(user: User, kit: Kit, file: KitFile) -> ActivityEvent:
    """Add a `kit_download` event (who, organisation, `<kit>/<file>`) and announce it; no commit.

    The onboarding receiver may tick the `kit_download` step and activate the organisation in
    the same transaction.
    """
    event = record_activity(user, KIT_DOWNLOAD, f"{kit.id}/{file.name}")
    kit_downloaded.send(
        None, organization_id=user.organization_id, user=user, kit_id=kit.id, file=file.name
    )
    return event


def record_template_use(user: User, kit: Kit, template: KitTemplate, how: str) -> ActivityEvent:
    """Add a `template_copy` or `template_download` event (`how`: copy | download); no commit."""
    return record_activity(user, TEMPLATE_USES[how], f"{kit.id}/{template.id}")


def org_has_kit_download(org_id: int) -> bool:
    """True once anyone in the organisation has downloaded a kit file."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    ActivityEvent.organization_id == org_id, ActivityEvent.kind == KIT_DOWNLOAD
                )
            )
        )
    )


def cobrand_context(user: User, kit: Kit, program: Program) -> CobrandContext:
    """The only values a co-branded template sees: public fields of the partner and the kit."""
    org = user.organization
    return CobrandContext(
        partner_name=org.name if org else "",
        partner_website=org.website if org else "",
        user_name=user.name,
        user_title=user.job_title,
        kit_title=kit.title,
        kit_summary=kit.summary,
        program_vendor=program.vendor,
        program_name=program.name,
    )


def render_template_for(user: User, kit: Kit, template: KitTemplate, program: Program) -> str:
    """The template rendered for the user's organisation; raises CobrandError."""
    return render_cobranded(template, cobrand_context(user, kit, program))
