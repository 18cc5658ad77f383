"""Words for search: folding, stemming, plain text from Markdown, highlighted snippets.

The same folding, stop words and stemming serve indexing and queries, so a query word finds
every form of it the index holds. Snippets and titles come back as `Segment`s with the matched
words flagged: the template marks and escapes them, Python never builds HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple

SNIPPET_CHARS = 180
SNIPPET_LEAD_CHARS = 50  # context kept before the first match

# Words too common to tell documents apart (the query drops them too).
_STOP_WORDS_TEXT = """
a an and are as at be but by for from has have how i if in into is it its of on or our so than
that the their them then there these they this to was we were what when where which who why will
with you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W_]+")
# Markdown and HTML syntax that is not text: images and links keep their text, the rest goes.
# Neither part reads past the next bracket of its kind, so a line of "[[[[" or "](((("
# costs linear time rather than a scan to the end of the line from every bracket.
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")  # images and links keep their text
_MD_TAG = re.compile(r"<[^>\n]{0,300}>")
# What the sanitiser drops from the page must not be searchable either: comments (even across
# lines) and the insides of script and style elements.
_HTML_HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style)\b.*?(?:</\1\s*>|$)", re.DOTALL | re.IGNORECASE
)
# List markers (with a task list's box) and code fences at the start of a line (the text gets
# a leading "\n").
_MD_LINE_MARK = re.compile(
    r"\n[ \t]*(?:(?:[-+*]|\d{1,3}[.)])[^\S\n]*(?:\[[ xX]\][^\S\n])?|```|~~~)[^\S\n]*"
)
_MD_FOOTNOTE = re.compile(r"\[\^[^\]\s]{1,100}\]:?")  # footnote references and definitions
_MD_RULE = re.compile(r"--+")  # table separators, horizontal rules
_MD_SYMBOLS = str.maketrans(dict.fromkeys("*_`~|#>{}%", " "))


class Segment(NamedTuple):
    """A run of text, `match` when it is a word the query matched (shown marked)."""

    text: str
    match: bool


# Word caches shared by index builds and queries: queries come from users, so the caches are
# bounded (words are at most 200 characters: a full cache is a few MB, not unbounded).
_CACHE_MAX = 20_000
_fold_cache: dict[str, str] = {}


def fold(word: str) -> str:
    """Accent-folded, case-folded form of one word ("Café" -> "cafe")."""
    folded = _fold_cache.get(word)
    if folded is None:
        folded = word.casefold()
        if not folded.isascii():
            folded = "".join(
                c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
            ).casefold()
        if len(_fold_cache) < _CACHE_MAX:
            _fold_cache[word] = folded
    return folded


_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """Light suffix stemming of a folded word: plurals, "-ing", "-ed", a final "e"."""
    stemmed = _stem_cache.get(word)
    if stemmed is not None:
        return stemmed
    t = word
    if len(t) > 3 and not t.isdigit():
        if t.endswith("ies") and len(t) > 4:
            t = t[:-3] + "y"
        elif t.endswith("sses"):
            t = t[:-2]
        elif t.endswith("s") and not t.endswith(("ss", "us", "is")):
            t = t[:-1]
        elif t.endswith("ing") and len(t) >= 6:
            t = _undouble(t[:-3])
        elif t.endswith("ed") and len(t) >= 5:
            t = _undouble(t[:-2])
        if t.endswith("e") and len(t) > 3:
            t = t[:-1]  # price, prices, pricing, priced -> pric
    if len(_stem_cache) < _CACHE_MAX:
        _stem_cache[word] = t
    return t


def _undouble(t: str) -> str:
    if len(t) > 3 and t[-1] == t[-2] and t[-1] not in "lsz" and not t[-1].isdigit():
        return t[:-1]
    return t


def words(text: str) -> list[str]:
    """The folded words of `text`, stop words included (splits on anything not alphanumeric)."""
    return [fold(w) for w in _WORD.findall(text)]


def tokenize(text: str) -> list[str]:
    """Search tokens of `text`: folded, stop words dropped, stemmed (as at indexing)."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def plain_text(markdown: str) -> str:
    """Markdown reduced to its words with a few regex passes (no rendering: loads stay fast)."""
    text = _MD_LINK.sub(r"\1", markdown)
    if "[^" in text:
        text = _MD_FOOTNOTE.sub(" ", text)
    if "<" in text:
        text = _MD_TAG.sub(" ", _HTML_HIDDEN.sub(" ", text))
    text = _MD_RULE.sub(" ", _MD_LINE_MARK.sub("\n", "\n" + text)).translate(_MD_SYMBOLS)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def token_counts(text: str, tokens: dict[str, str]) -> dict[str, int]:
    """Token frequencies of `text`; `tokens` caches each word's token ("" for a stop word)."""
    counts: dict[str, int] = {}
    get = tokens.get
    for word, count in Counter(_WORD.findall(text)).items():
        token = get(word)
        if token is None:
            folded = fold(word)
            token = tokens[word] = "" if folded in STOP_WORDS else stem(folded)
        if token:
            counts[token] = counts.get(token, 0) + count
    return counts


def _is_match(word: str, matching: set[str]) -> bool:
    folded = fold(word)
    return folded not in STOP_WORDS and stem(folded) in matching


def segments(text: str, matching: set[str]) -> tuple[Segment, ...]:
    """All of `text` as segments, the words whose token is in `matching` flagged."""
    return _segments(text, 0, len(text), matching)


def _segments(text: str, start: int, end: int, matching: set[str]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    plain_from = start
    for found in _WORD.finditer(text, start, end):
        if _is_match(found.group(), matching):
            if found.start() > plain_from:
                out.append(Segment(text[plain_from : found.start()], False))
            out.append(Segment(found.group(), True))
            plain_from = found.end()
    if end > plain_from:
        out.append(Segment(text[plain_from:end], False))
    return tuple(out)


def snippet_segments(text: str, matching: set[str]) -> tuple[Segment, ...]:
    """A window of about SNIPPET_CHARS of `text` around its first match, cut at word breaks."""
    first = next((m for m in _WORD.finditer(text) if _is_match(m.group(), matching)), None)
    start = 0 if first is None else max(0, first.start() - SNIPPET_LEAD_CHARS)
    if start:
        space = text.find(" ", start, first.start()) if first else -1
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (first.end() if first else start) else end
    parts = list(_segments(text, start, end, matching))
    if parts and start > 0:
        parts.insert(0, Segment("… ", False))
    if parts and end < len(text):
        parts.append(Segment(" …", False))
    return tuple(parts)
