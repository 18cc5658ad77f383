"""program.yml `compliance`: the documents partners keep on file, per partner type.

```yaml
compliance:
  documents:
    - id: tax-form                   # a slug, never reused: uploads are stored under it
      name: Tax form (W-9 or W-8BEN)
      description: So we can pay commissions.   # optional
      partner_types: [referral, reseller]       # optional: who must keep it (default: everyone)
      expires: false                 # optional, default true: approved with an expiry date
    - id: insurance-certificate
      name: Certificate of liability insurance
      valid_days: 365                # optional: the expiry staff are offered on approval
      reminder_days: 30              # optional, default 30: reminder e-mail this long before
```

The section is optional (no section: no documents). Every problem is reported with its
`path:line`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model import Checklist, Program
from portal.content.model_compliance import (
    DEFAULT_REMINDER_DAYS,
    ComplianceDocumentType,
    ComplianceRules,
)

DOCUMENT_KEYS_REQUIRED = ("id", "name")
DOCUMENT_KEYS_OPTIONAL = (
    "description",
    "partner_types",
    "expires",
    "valid_days",
    "reminder_days",
)
NAME_MAX = 100
DESCRIPTION_MAX = 500
ID_MAX = 50  # compliance_documents.document_type is String(50)
MAX_VALID_DAYS = 3660  # ten years: a longer validity is a typo
MAX_REMINDER_DAYS = 365


def build_compliance(src: Source, root: LineDict, type_ids: set[str]) -> ComplianceRules:
    """The `compliance` section of program.yml (absent: no documents)."""
    if "compliance" not in root:
        return ComplianceRules()
    what = "'compliance'"
    section = f.mapping(src, root["compliance"], what, root.line_of("compliance"))
    if section is None:
        return ComplianceRules()
    f.check_keys(src, section, what, ("documents",))
    items = f.item_list(src, section, "documents", what)
    if items is None:
        return ComplianceRules()
    if not items:
        src.report(section.line_of("documents"), "'compliance.documents' lists no document")
    seen: dict[str, int] = {}
    documents = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        entry = f.mapping(src, item, "a compliance document", line)
        if entry is None:
            continue
        document = _document(src, entry, type_ids)
        f.unique(src, seen, document.id if document else None, line, "compliance document id")
        if document is not None:
            documents.append(document)
    return ComplianceRules(tuple(documents))


def _document(src: Source, entry: LineDict, type_ids: set[str]) -> ComplianceDocumentType | None:
    what = "a compliance document"
    f.check_keys(src, entry, what, DOCUMENT_KEYS_REQUIRED, DOCUMENT_KEYS_OPTIONAL)
    type_id = f.slug(src, entry, "id", what)
    if type_id is not None and len(type_id) > ID_MAX:
        src.report(entry.line_of("id"), f"'id' in {what} is at most {ID_MAX} characters")
        type_id = None
    name = f.text(src, entry, "name", what)
    if len(name) > NAME_MAX:
        src.report(entry.line_of("name"), f"'name' in {what} is at most {NAME_MAX} characters")
        name = ""
    description = f.text(src, entry, "description", what)
    if len(description) > DESCRIPTION_MAX:
        src.report(
            entry.line_of("description"),
            f"'description' in {what} is at most {DESCRIPTION_MAX} characters",
        )
        description = ""
    expires = f.boolean(src, entry, "expires", what, True)
    valid_days = f.integer(src, entry, "valid_days", what, minimum=1, maximum=MAX_VALID_DAYS)
    reminder_days = f.integer(
        src, entry, "reminder_days", what, minimum=1, maximum=MAX_REMINDER_DAYS,
        default=DEFAULT_REMINDER_DAYS,
    )  # fmt: skip
    if not expires:
        for key in ("valid_days", "reminder_days"):
            if key in entry:
                src.report(
                    entry.line_of(key),
                    f"'{key}' is only for documents that expire (this one has expires: false)",
                )
    partner_types = _partner_types(src, entry, what, type_ids)
    if type_id is None or not name:
        return None
    return ComplianceDocumentType(
        id=type_id,
        name=" ".join(name.split()),
        description=description,
        partner_types=partner_types,
        expires=expires,
        valid_days=valid_days if expires else None,
        reminder_days=reminder_days,
    )


def _partner_types(src: Source, entry: LineDict, what: str, type_ids: set[str]) -> tuple[str, ...]:
    types = f.text_list(src, entry, "partner_types", what)
    seen: dict[str, int] = {}
    for type_id in types:
        f.unique(src, seen, type_id, entry.line_of("partner_types"), "partner type")
        if type_ids and type_id not in type_ids:
            src.report(
                entry.line_of("partner_types"),
                f"unknown partner type '{type_id}' (partner types: {', '.join(sorted(type_ids))})",
            )
    if "partner_types" in entry and not types:
        empty = f"'partner_types' in {what} lists no type: leave the key out for every type"
        src.report(entry.line_of("partner_types"), empty)
    return tuple(dict.fromkeys(types))


def needs_compliance_problems(
    program: Program,
    checklists: Mapping[str, Checklist],
    report: Callable[[str, int, str], None],
    program_file: str,
) -> None:
    """`compliance_current` criteria and `compliance_documents` steps that no document backs:
    they would be met by every organisation without anything on file."""
    rules = program.compliance
    type_ids = [t.id for t in program.partner_types]
    for tier in program.tiers:
        for criterion in (c for top in tier.criteria for c in (top, *top.options)):
            if criterion.kind != "compliance_current":
                continue
            types = criterion.partner_types or tuple(type_ids)
            if not any(rules.required_for(t) for t in types):
                report(
                    program_file,
                    criterion.line,
                    "compliance_current needs a document in 'compliance.documents' that the "
                    "partner types it applies to must keep",
                )
    for checklist in checklists.values():
        for step in checklist.steps:
            if step.kind == "compliance_documents" and not rules.required_for(
                checklist.partner_type
            ):
                report(
                    checklist.source,
                    1,
                    f"step '{step.id}' (kind compliance_documents) needs a document in "
                    f"program.yml 'compliance.documents' for partner type "
                    f"'{checklist.partner_type}'",
                )
