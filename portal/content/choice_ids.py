"""A quiz choice's id when the source gives none: derived from its wording.

Past attempts store answers by choice id, so an id must not depend on where a choice stands:
reordering choices keeps every id. A choice without `id:` is named by its text as a slug
(`A named budget owner` → `a-named-budget-owner`), so case and punctuation edits keep the id
and a change of wording makes a new one. Whether a past answer used the old id is the
database's to know: `flask content check` asks it (portal.content.history_check).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_DERIVED_LENGTH = 48
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def derived_choice_id(text: str) -> str:
    """The id of a choice written without `id:`: its text as a lower-case slug (at most 48
    characters, cut at a word), or `choice-<hash>` for text with no letter or digit in a-z, 0-9."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if not slug:
        return "choice-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    if len(slug) > MAX_DERIVED_LENGTH:
        cut = slug[: MAX_DERIVED_LENGTH + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_DERIVED_LENGTH]
    return slug


def same_derived_id_message(key: str, first_line: int) -> str:
    """Two choices of one question whose wordings give the same id."""
    return (
        f"this choice's text gives the same id '{key}' as the choice on line {first_line}: "
        "give one of them an 'id:'"
    )
