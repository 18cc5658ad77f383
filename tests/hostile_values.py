"""Hostile values for query arguments, form fields and URL segments (the sweep and the bench).

A value is text to be percent-encoded as UTF-8, or `Raw`: bytes already written as escapes
(`%ff`, a lone `%`), so a request can carry what no browser would send.
"""

from __future__ import annotations

from hypothesis import strategies as st

HUGE_DIGITS = "9" * 5000  # past Python's int() digit limit of 4,300
KB100 = 100_000


class Raw(str):
    """A value sent exactly as written: its percent-escapes are not encoded again."""


NUMBERS = [
    HUGE_DIGITS,
    "99999999999999999999999",
    str(2**31),
    str(2**63),
    str(2**63 - 1),
    "-9223372036854775809",
    "-1",
    "0",
    "007",
    "1e309",
    "NaN",
    "-inf",
    "0x10",
    "1_000",
    "\u0661\u0662",  # Arabic-Indic digits
    "\uff11\uff12",  # fullwidth digits
]
TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\r\n",
    "\x1b[2J\x07\x08",
    "\u202e\u200b\ufeff",
    "\U0001f600" * 10,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "me",
    "none",
    "R-" + HUGE_DIGITS,
    "=cmd|' /C calc'!A0",
    "@" * 300,
    "a@" + "b." * 200 + "com",
]
RAW = [Raw("%ff%fe%fd"), Raw("%c0%af"), Raw("%ed%a0%80"), Raw("%"), Raw("%zz"), Raw("%00")]
# 100 KB runs of one character with a failing end: what makes a backtracking pattern slow.
RUN_CHARACTERS = " 0a.-,_x[(</:\t\n"


def long_runs(length: int = KB100) -> list[str]:
    """One long run per character of RUN_CHARACTERS, each after a digit and before a "!"."""
    return ["1" + ch * length + "!" for ch in RUN_CHARACTERS]


def near_matches(length: int = KB100) -> list[str]:
    """Long values that look like what the fields accept until the very end."""
    return [
        "+1 (555) 010-" + "0" * length + " ext",  # a phone number
        "1," + "000," * (length // 4) + "00",  # an amount with thousands
        "https://" + "a" * length + ".com",  # a website
        "ab." * (length // 3) + "-",  # a host name
        "a" * length + "@example.com",  # an e-mail address
        "R-" + "0" * length,  # a referral reference
        "[a](" * (length // 4),  # Markdown-ish text
        "S. " * (length // 3) + "A",  # initials
    ]


# A 100 KB value: a run of one character, or a near match of a field's format.
LONG_VALUES = st.sampled_from(long_runs() + near_matches())
SHORT_VALUES = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(TEXT),
    st.sampled_from(RAW),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.text(st.characters(codec="utf-8"), max_size=40),
)


def hostile_value(long: bool = True) -> st.SearchStrategy[str]:
    """A hostile value: numbers out of range, odd text, raw escapes; with `long`, one in eight
    is a 100 KB run (each costs the server tens of milliseconds just to decode)."""
    if not long:
        return SHORT_VALUES
    return st.integers(0, 7).flatmap(lambda pick: LONG_VALUES if pick == 0 else SHORT_VALUES)


# URL segments: ids out of range, and text where a slug or reference is expected.
PATH_SEGMENTS = [
    HUGE_DIGITS,
    str(2**31),
    str(2**63),
    "99999999999999999999999",
    "0",
    "-1",
    "007",
    "R-" + HUGE_DIGITS,
    "a" * 5000,
    "%00",
    "%ff",
    "%2e%2e",
    "..",
    "%e2%98%83",
    "x%0d%0aSet-Cookie:%20a=b",
]
