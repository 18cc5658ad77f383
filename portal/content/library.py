"""Kits and playbooks in the content index: immutable dataclasses, pure Python.

`kits/<kit>/kit.md` with `files/` and `templates/`, and `playbooks/<kind>/<id>.md`. Built by
portal.content.kits and portal.content.playbooks at load; served by portal.kits and
portal.playbooks. Their Markdown is rendered at load, like the rest of the index.
"""

from __future__ import annotations

from dataclasses import dataclass

KIT_KINDS: tuple[str, ...] = (
    "webinar",
    "email",
    "landing-page",
    "case-study",
    "social",
    "one-pager",
)
PLAYBOOK_KINDS: tuple[str, ...] = ("talk-tracks", "battle-cards", "objections", "use-cases")
TEMPLATE_FORMATS: tuple[str, ...] = ("text", "html")


@dataclass(frozen=True)
class Audience:
    """Who may see an item: partner types (empty means every type) and a minimum tier, or the
    partner team only (`audience: staff`: internal playbooks and pages no partner ever sees)."""

    partner_types: tuple[str, ...] = ()
    min_tier_rank: int = 0  # rank of the lowest tier admitted (0: the entry tier, i.e. everyone)
    min_tier: str | None = None  # that tier's id, for display and messages
    staff_only: bool = False

    def admits(self, partner_type: str, tier_rank: int) -> bool:
        """True when a partner of this type and tier rank may see the item (never staff-only)."""
        if self.staff_only:
            return False
        type_ok = not self.partner_types or partner_type in self.partner_types
        return type_ok and tier_rank >= self.min_tier_rank


EVERYONE = Audience()
STAFF_ONLY = Audience(staff_only=True)
STAFF_AUDIENCE = "staff"  # the front-matter value: `audience: staff`


@dataclass(frozen=True)
class KitFile:
    """A downloadable file in `kits/<kit>/files/`."""

    name: str  # the file name inside files/ (a plain name, never a path)
    title: str
    size: int  # bytes
    media_type: str  # e.g. application/pdf
    sha256: str  # hex digest of the content: the S3 key is made from it
    path: str  # relative to CONTENT_DIR: kits/<kit>/files/<name>
    preview: str = ""  # relative to CONTENT_DIR: kits/<kit>/previews/<name>.png, or none


@dataclass(frozen=True)
class KitTemplate:
    """A co-branded text template in `kits/<kit>/templates/<id>.md` (Jinja, sandboxed)."""

    id: str
    title: str
    format: str  # one of TEMPLATE_FORMATS: downloaded as .txt or .html
    body: str  # the Jinja source; rendered only through portal.content.cobrand
    source: str


@dataclass(frozen=True)
class Kit:
    id: str
    title: str
    kind: str  # one of KIT_KINDS
    audience: Audience
    summary: str
    body: str  # Markdown source
    files: tuple[KitFile, ...]
    templates: tuple[KitTemplate, ...]
    source: str
    tags: tuple[str, ...] = ()
    html: str = ""  # the body as sanitised HTML (filled at load)

    def file(self, name: str) -> KitFile | None:
        return next((f for f in self.files if f.name == name), None)

    def template(self, template_id: str) -> KitTemplate | None:
        return next((t for t in self.templates if t.id == template_id), None)


@dataclass(frozen=True)
class ComparisonTable:
    """A battle card's comparison: a caption, column headings and rows of cells."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Playbook:
    """A talk track, battle card, objection or use case.

    Kind-specific fields: battle cards may carry `comparison`; objections carry `objection`
    and `short_answer` (the body is the longer answer); use cases carry `industry`,
    `problem`, `outcome` and `metric`.
    """

    id: str
    kind: str  # one of PLAYBOOK_KINDS
    title: str
    summary: str
    audience: Audience
    tags: tuple[str, ...]
    related: tuple[str, ...]  # keys "<kind>/<id>", validated at load
    body: str  # Markdown source
    source: str
    comparison: ComparisonTable | None = None
    objection: str = ""
    short_answer: str = ""
    industry: str = ""
    problem: str = ""
    outcome: str = ""
    metric: str = ""
    html: str = ""  # the body as sanitised HTML (filled at load)

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"
