"""Every regular expression that reads user input lives here, bounded by a length.

The rule for the whole codebase (portal/), and why:

1. A pattern that reads text straight from a request (a form field, a query argument, a URL
   segment, an uploaded file) is a `UserPattern` in this module. It carries the longest text
   it will read and refuses anything longer without running: the length is checked before
   the regex, always, so no caller can forget it. Python's `re` backtracks; bounded input
   bounds what a mistake can cost.
2. Every pattern in portal/, content engine included, is unambiguous: no two repetitions that
   can take the same characters in turn (`\\s*` after a class holding a space, `(a+)+`,
   `.*` then `.*`), so a failing match costs time linear in the text. tests/test_patterns.py
   finds every pattern in the source (re.* calls, UserPattern, WTForms Regexp) and times each
   on long runs of its own characters with a failing end; a super-linear one fails CI.

Why not google-re2 (linear by construction)? Only (1) and (2) together cover everything:
the content engine's patterns need backreferences and lookbehinds that RE2 lacks, and the
referral checks use lookarounds and Unicode `\\w` (RE2's `\\w` and `\\b` are ASCII), so RE2 would
leave two engines with two behaviours and still need the CI check. With one engine, the
length bound makes even a missed quadratic pattern cheap (300 characters is 90,000 steps),
and the CI check keeps the patterns themselves linear.

The phone pattern that started this: `\\+?[0-9 ().\\-/]+(\\s*(ext\\.?|x)\\s*[0-9]{1,6})?` let the
class and the `\\s*` share every space, so "1" + 16,000 spaces + "!" took 9 s with the GIL held.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "AMOUNT_MAX_LENGTH",
    "AMOUNT_THOUSANDS",
    "COMPANY_URL_SCHEME",
    "HOST_LABEL",
    "IDEMPOTENCY_KEY",
    "ISO_DATE",
    "LDH_HOST",
    "PHONE",
    "PLAIN_AMOUNT",
    "PLAIN_URL",
    "REFERENCE",
    "SPACED_INITIALS",
    "TOP_LABEL",
    "WEB_SCHEME",
    "TooLong",
    "UserPattern",
]


class TooLong(ValueError):
    """Text longer than the pattern reads: the caller bounds its input first."""


class UserPattern:
    """A compiled pattern for user input that never reads more than `max_length` characters.

    `match`, `fullmatch` and `search` answer None (no match) for longer text; `sub` raises
    TooLong, since silently leaving text unchanged would hide a missing bound.
    """

    def __init__(self, pattern: str, max_length: int, flags: int = 0) -> None:
        self.compiled = re.compile(pattern, flags)
        self.pattern = pattern
        self.max_length = max_length

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r}, max_length={self.max_length})"

    def fits(self, text: str) -> bool:
        """True when `text` is short enough for this pattern to read."""
        return len(text) <= self.max_length

    def match(self, text: str) -> re.Match[str] | None:
        """`re.match`, or None for text longer than `max_length`."""
        return self.compiled.match(text) if self.fits(text) else None

    def fullmatch(self, text: str) -> re.Match[str] | None:
        """`re.fullmatch`, or None for text longer than `max_length`."""
        return self.compiled.fullmatch(text) if self.fits(text) else None

    def search(self, text: str) -> re.Match[str] | None:
        """`re.search`, or None for text longer than `max_length`."""
        return self.compiled.search(text) if self.fits(text) else None

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        """`re.sub`; raises TooLong for text longer than `max_length`."""
        if not self.fits(text):
            raise TooLong(f"{len(text)} characters; this pattern reads at most {self.max_length}")
        return self.compiled.sub(replacement, text)


# --- referrals: the referral form (portal/referrals/forms.py) ------------------------------

# Digits, spaces and + ( ) - . / then an optional extension. The extension starts with a
# letter the number cannot contain and its spaces are its own, so no two parts can take
# the same character: one way to match any text, linear when it fails.
PHONE = UserPattern(r"\+?[0-9 ().\-/]+(?:(?:ext\.?|x) *[0-9]{1,6})?", 50, re.IGNORECASE)
# "mailto:", "ftp:" at the start of a website; not "acme.com:8080".
WEB_SCHEME = UserPattern(r"[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])", 300)
# One DNS label (checked label by label after splitting on dots).
HOST_LABEL = UserPattern(r"(?!-)[a-z0-9-]{1,63}(?<!-)", 63)
TOP_LABEL = UserPattern(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", 63)
# Amounts as people type them: "48,000.50" or "48000.50".
AMOUNT_MAX_LENGTH = 40
AMOUNT_THOUSANDS = UserPattern(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?", AMOUNT_MAX_LENGTH)
PLAIN_AMOUNT = UserPattern(r"[0-9]+(?:\.[0-9]+)?", AMOUNT_MAX_LENGTH)
# The hidden per-rendering key that makes a resubmission idempotent.
IDEMPOTENCY_KEY = UserPattern(r"[0-9a-f]{32}", 32)

# --- filters: a day typed or picked as YYYY-MM-DD (the audit log's date range) -------------
ISO_DATE = UserPattern(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", 10)
# A referral's reference as people type it: "R-000123", "r123", "000123".
REFERENCE = UserPattern(r"(?:R-?)?([0-9]{1,12})", 20, re.IGNORECASE)

# --- referrals: company names and websites (portal/referrals/normalise.py) -----------------

# "S. A." and "L. L. C.": close the gaps between single-letter initials before joining.
# Reads a folded name (NFKC may lengthen a 1,000-character name up to 18 times).
SPACED_INITIALS = UserPattern(r"\b(\w)\.\s+(?=\w\.)", 18_000)
COMPANY_URL_SCHEME = UserPattern(r"[a-z][a-z0-9+.-]*://", 2_000, re.IGNORECASE)
# The shortcuts for plain websites (a longer or odder text takes the general path, so these
# only decide speed, never the result). A URL whose host needs no parser: scheme://host, then
# the end or a path, query or fragment. Explicit A-Z: under IGNORECASE, [a-z] also matches
# the Kelvin sign and the long s.
PLAIN_URL = UserPattern(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]*)(?:[/?#]|\Z)", 2_000)
# A lower-case host name of letter-digit-hyphen labels of 1-63 characters, no hyphen at
# either end of a label.
LDH_HOST = UserPattern(r"(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)*(?!-)[a-z0-9-]{1,63}(?<!-)", 253)
