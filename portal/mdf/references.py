"""The referrals a claim links: references typed by the partner, checked against their own."""

from __future__ import annotations

import re

from portal.referrals.api import company_names_of, parse_reference

# References are separated by commas, semicolons or white space; the field is bounded first.
_SEPARATORS = re.compile(r"[,;\s]+")
MAX_REFERENCES = 50


def parse_references(text: str, organization_id: int) -> tuple[list[int], list[str]]:
    """The organisation's referral ids named in `text`, and the words that are not one."""
    words = [word for word in _SEPARATORS.split(text.strip()) if word][:MAX_REFERENCES]
    ids: dict[str, int | None] = {word: parse_reference(word) for word in words}
    known = company_names_of(organization_id, {i for i in ids.values() if i is not None})
    unknown = [word for word, referral_id in ids.items() if referral_id not in known]
    return sorted(set(known)), unknown
