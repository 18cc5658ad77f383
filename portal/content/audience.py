"""Front matter that kits and playbooks share: who a document is for (`audience`, partner
types and tiers) and its `tags`, read with `path:line` errors."""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, LineList
from portal.content.library import (
    EVERYONE,
    STAFF_AUDIENCE,
    STAFF_ONLY,
    Audience,
)
from portal.content.model import Program

KITS, KIT_FILE, FILES, TEMPLATES = "kits", "kit.md", "files", "templates"
PREVIEWS, PREVIEW_SUFFIX = "previews", ".png"  # previews/<file name>.png: a file's thumbnail
__all__ = ["read_audience", "read_tags"]


def read_audience(
    src: Source, meta: LineDict, what: str, program: Program | None, staff_allowed: bool = False
) -> Audience:
    """`audience: {partner_types: [...], min_tier: <tier>}`; absent means everyone;
    `audience: staff` means the partner team only.

    Partner types and the tier are checked against program.yml (skipped when it is unusable).
    """
    if meta.get("audience") is None:
        return EVERYONE
    if meta["audience"] == STAFF_AUDIENCE:
        if staff_allowed:
            return STAFF_ONLY
        src.report(meta.line_of("audience"), f"'audience: staff' is not possible in {what}")
        return EVERYONE
    raw = f.mapping(src, meta["audience"], f"'audience' in {what}", meta.line_of("audience"))
    if raw is None:
        return EVERYONE
    f.check_keys(src, raw, "audience", (), ("partner_types", "min_tier"))
    partner_types = _partner_types(src, raw, program)
    min_tier = f.text(src, raw, "min_tier", "audience") or None
    rank = 0
    if min_tier is not None and program is not None:
        tier = program.tier(min_tier)
        if tier is None:
            tiers = ", ".join(t.id for t in program.tiers)
            src.report(raw.line_of("min_tier"), f"unknown tier '{min_tier}' (tiers: {tiers})")
            min_tier = None
        else:
            rank = tier.rank
    return Audience(partner_types=partner_types, min_tier_rank=rank, min_tier=min_tier)


def _partner_types(src: Source, raw: LineDict, program: Program | None) -> tuple[str, ...]:
    names = f.text_list(src, raw, "partner_types", "audience")
    items = raw.get("partner_types")
    known = [t.id for t in program.partner_types] if program is not None else None
    result: list[str] = []
    for name in names:
        line = items.line_of_value(name) if isinstance(items, LineList) else raw.line
        if known and name not in known:
            src.report(
                line,
                f"audience names unknown partner type '{name}' (partner types: {', '.join(known)})",
            )
        elif name in result:
            src.report(line, f"partner type '{name}' is listed twice in the audience")
        else:
            result.append(name)
    return tuple(result)


def read_tags(src: Source, meta: LineDict, what: str) -> tuple[str, ...]:
    """`tags: [a, b]`: lower-case slugs, each once."""
    names = f.text_list(src, meta, "tags", what)
    items = meta.get("tags")
    result: list[str] = []
    for name in names:
        line = items.line_of_value(name) if isinstance(items, LineList) else meta.line
        if not f.is_slug(name):
            src.report(line, f"tag {name!r} must be a lower-case slug (a-z, 0-9, -)")
        elif name in result:
            src.report(line, f"tag '{name}' is listed twice")
        else:
            result.append(name)
    return tuple(result)
