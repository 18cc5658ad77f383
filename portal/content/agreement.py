"""The partner agreement's version: `version` and `effective` in a program page's front matter.

```yaml
---
title: Partner agreement
version: 2              # a whole number from 1, raised for every new text partners must accept
effective: 2027-01-04   # the day this version binds; until then the previous one does
---
```

At most one page carries them (the partner agreement). Tier criteria of kind
`agreement_accepted` and onboarding steps of kind `agreement` read it, so either needs it.
Pure Python: the acceptances themselves are the compliance feature's (portal/compliance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model import Checklist, Criterion, Page, Program
from portal.content.model_governance import AgreementTerms

VERSION_MAX = 10_000
_Reporter = Callable[[str, int, str], None]  # the loader's report(rel, line, message)
AGREEMENT_KEYS = ("version", "effective")


def read_version(src: Source, meta: LineDict, what: str) -> tuple[int | None, date | None]:
    """The page's `version` and `effective` date: both or neither."""
    present = [key for key in AGREEMENT_KEYS if meta.get(key) is not None]
    if not present:
        return None, None
    if len(present) == 1:
        missing = next(k for k in AGREEMENT_KEYS if k not in present)
        src.report(
            meta.line_of(present[0]),
            f"a versioned agreement needs both 'version' and 'effective' ('{missing}' is missing)",
        )
        return None, None
    version = f.integer(src, meta, "version", what, minimum=1, maximum=VERSION_MAX)
    raw = meta.get("effective")
    try:
        text = str(raw).strip()
        effective = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        effective = None
    if effective is None:
        src.report(
            meta.line_of("effective"), f"'effective' must be a date written YYYY-MM-DD, not {raw!r}"
        )
    if version is None or effective is None:
        return None, None
    return version, effective


def agreement_terms(pages: Iterable[Page], report: _Reporter) -> AgreementTerms | None:
    """The one versioned page as the agreement's terms; a second one is an error."""
    versioned = [p for p in pages if p.version is not None and p.effective is not None]
    if len(versioned) > 1:
        for extra in versioned[1:]:
            report(
                extra.source,
                1,
                f"only one page may carry a 'version' (the partner agreement is "
                f"{versioned[0].source})",
            )
    if not versioned:
        return None
    page = versioned[0]
    assert page.version is not None and page.effective is not None
    if page.staff_only:
        report(page.source, 1, "the partner agreement cannot be staff-only: partners accept it")
    return AgreementTerms(page_id=page.id, version=page.version, effective=page.effective)


def needs_agreement_problems(
    program: Program, checklists: Mapping[str, Checklist], report: _Reporter, program_file: str
) -> None:
    """Criteria and onboarding steps that read the agreement when content has none."""
    if program.agreement is not None:
        return
    for criterion in _criteria(program):
        if criterion.kind == "agreement_accepted":
            report(
                program_file,
                criterion.line,
                "agreement_accepted needs the partner agreement: a page with 'version' and "
                "'effective' in its front matter",
            )
    for checklist in checklists.values():
        for step in checklist.steps:
            if step.kind == "agreement":
                report(
                    checklist.source,
                    1,
                    f"step '{step.id}' (kind agreement) needs the partner agreement: a page "
                    "with 'version' and 'effective' in its front matter",
                )


def _criteria(program: Program) -> Iterable[Criterion]:
    for tier in program.tiers:
        for criterion in tier.criteria:
            yield criterion
            yield from criterion.options
