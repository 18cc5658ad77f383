"""Full-text search over the content index: built in memory at load, queried per request.

Pure Python: no Flask, no database, no Markdown rendering (bodies are reduced to plain text by
a cheap regex pass). Ranking is BM25 with a saturation per field, weighted title >> tags and
summary > body, so one title match outranks any number of body matches. All query terms must
match; when no visible document has them all, any term will do. The last term also matches as
a prefix, for results as you type. Hits carry their snippet and title as `Segment`s with the
matched words flagged: the template marks and escapes them, Python never builds HTML.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from portal.content.library import EVERYONE, Audience, Playbook
from portal.content.model import ContentIndex

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
MIN_PREFIX_CHARS = 2
MAX_PREFIX_EXPANSIONS = 30
PREFIX_DISCOUNT = 0.8  # a word completed from a prefix counts a little less than a typed one
SNIPPET_CHARS = 180
SNIPPET_LEAD_CHARS = 50  # context kept before the first match
K1 = 1.2  # BM25 term-frequency saturation
FIELD_BOOSTS = {"title": 8.0, "tags": 3.0, "summary": 3.0, "body": 1.0}
# BM25 length normalisation per field: a long body dilutes a word, a long title barely does.
FIELD_B = {"title": 0.3, "tags": 0.0, "summary": 0.5, "body": 0.75}

KIND_LABELS = {
    "page": "Program page",
    "path": "Learning path",
    "module": "Learning module",
    "kit": "Kit",
    "talk-tracks": "Talk track",
    "battle-cards": "Battle card",
    "objections": "Objection",
    "use-cases": "Use case",
}
# Words too common to tell documents apart (the query drops them too).
_STOP_WORDS_TEXT = """
a an and are as at be but by for from has have how i if in into is it its of on or our so than
that the their them then there these they this to was we were what when where which who why will
with you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W_]+")
# Markdown and HTML syntax that is not text: images and links keep their text, the rest goes.
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # images and links keep their text
_MD_TAG = re.compile(r"<[^>\n]{0,300}>")
# What the sanitiser drops from the page must not be searchable either: comments (even across
# lines) and the insides of script and style elements.
_HTML_HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|<(script|style)\b.*?(?:</\1\s*>|$)", re.DOTALL | re.IGNORECASE
)
# List markers and code fences at the start of a line (the text gets a leading "\n").
_MD_LINE_MARK = re.compile(r"\n[ \t]*(?:[-+]|\d{1,3}[.)]|```|~~~)[^\S\n]*")
_MD_RULE = re.compile(r"--+")  # table separators, horizontal rules
_MD_SYMBOLS = str.maketrans(dict.fromkeys("*_`~|#>{}%", " "))


class Segment(NamedTuple):
    """A run of text, `match` when it is a word the query matched (shown marked)."""

    text: str
    match: bool


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable item: a page, learning path, module, kit or playbook."""

    key: str  # unique: "<kind>/<id>" ("module/<path>/<module>")
    kind: str  # "page" | "path" | "module" | "kit" | a playbook kind
    title: str
    summary: str
    text: str  # the body as plain text, for snippets
    url: str
    tags: tuple[str, ...] = ()
    audience: Audience = EVERYONE  # who may see it (partner types, minimum tier)
    detail: str = ""  # a kit's kind, shown beside the kind label

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class SearchHit:
    doc: SearchDoc
    score: float
    snippet: tuple[Segment, ...]
    title_segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    hits: list[SearchHit]
    total: int  # visible matches, of which `hits` are the best `limit`
    matched_all: bool  # False when no visible document had every term (any term matched)


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
    if "<" in text:
        text = _MD_TAG.sub(" ", _HTML_HIDDEN.sub(" ", text))
    text = _MD_RULE.sub(" ", _MD_LINE_MARK.sub("\n", "\n" + text)).translate(_MD_SYMBOLS)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def _token_counts(text: str, tokens: dict[str, str]) -> dict[str, int]:
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


class SearchIndex:
    """An inverted index over `docs`: token -> {doc number: per-field saturated weight}."""

    def __init__(self, docs: Iterable[SearchDoc]):
        self.docs: tuple[SearchDoc, ...] = tuple(docs)
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        tokens: dict[str, str] = {}  # every word as written -> its token
        fields = []
        lengths = dict.fromkeys(FIELD_BOOSTS, 0)
        for doc in self.docs:
            counts = {
                "title": _token_counts(doc.title, tokens),
                "tags": _token_counts(" ".join(doc.tags), tokens),
                "summary": _token_counts(doc.summary, tokens),
                "body": _token_counts(doc.text, tokens),
            }
            for name, found in counts.items():
                lengths[name] += sum(found.values())
            fields.append(counts)
        count = max(1, len(self.docs))
        average = {name: max(1.0, total / count) for name, total in lengths.items()}
        for number, counts in enumerate(fields):
            self._add(number, counts, average)
        self._postings = dict(self._postings)
        # Folded words -> token, sorted for prefix matching as you type.
        self._surface_tokens = {fold(w): t for w, t in tokens.items() if t}
        self._surface_words = sorted(self._surface_tokens)
        self._idf = {
            token: math.log(1 + (count - len(posting) + 0.5) / (len(posting) + 0.5))
            for token, posting in self._postings.items()
        }

    def _add(
        self, number: int, counts: dict[str, dict[str, int]], average: dict[str, float]
    ) -> None:
        body = counts["body"]
        b = FIELD_B["body"]
        norm = K1 * (1 - b + b * sum(body.values()) / average["body"])
        weights = {token: tf / (tf + norm) for token, tf in body.items()}  # body boost is 1
        for name in ("title", "tags", "summary"):
            found = counts[name]
            if found:
                boost, b = FIELD_BOOSTS[name], FIELD_B[name]
                norm = K1 * (1 - b + b * sum(found.values()) / average[name])
                for token, tf in found.items():
                    weights[token] = weights.get(token, 0.0) + boost * tf / (tf + norm)
        postings = self._postings
        for token, weight in weights.items():
            postings[token][number] = weight

    def __len__(self) -> int:
        return len(self.docs)

    def query(
        self, text: str, can_see: Callable[[SearchDoc], bool], limit: int = 20
    ) -> list[SearchHit]:
        """The best `limit` hits for `text` among the documents `can_see` admits."""
        return self.search(text, can_see, limit).hits

    def search(
        self, text: str, can_see: Callable[[SearchDoc], bool], limit: int = 20
    ) -> SearchResults:
        """Like `query`, with the number of visible matches and whether all terms matched."""
        groups = self._term_groups(text)
        scores = [self._group_scores(group) for group in groups]
        if not any(scores):
            return SearchResults([], 0, True)
        ordered = sorted(scores, key=len)
        every = set(ordered[0]).intersection(*ordered[1:])
        visible = [n for n in every if can_see(self.docs[n])]
        matched_all = True
        if not visible and len(scores) > 1:
            matched_all = False
            visible = [n for n in set().union(*scores) if can_see(self.docs[n])]
        scored = []
        for number in visible:
            found = [s[number] for s in scores if number in s]
            # Coordination: in the any-term fallback, more matched terms rank higher.
            scored.append((sum(found) * len(found) / len(scores), -number))
        scored.sort(reverse=True)
        matching = {token for group in groups for token in group}
        hits = [self._hit(-number, score, matching) for score, number in scored[: max(0, limit)]]
        return SearchResults(hits, len(scored), matched_all)

    def _group_scores(self, group: dict[str, float]) -> dict[int, float]:
        """{doc number: score} for one query term: its best-scoring token in each document."""
        scores: dict[int, float] = {}
        for token, weight in group.items():
            factor = self._idf[token] * weight
            if not scores:
                scores = {number: w * factor for number, w in self._postings[token].items()}
                continue
            for number, w in self._postings[token].items():
                value = w * factor
                if value > scores.get(number, 0.0):
                    scores[number] = value
        return scores

    def _term_groups(self, text: str) -> list[dict[str, float]]:
        """One group per query term, {indexed token: weight}, the last term also as a prefix.

        A term nothing contains gives an empty group: no document then has every term.
        """
        text = text[:MAX_QUERY_CHARS]
        folded = [w for w in words(text) if w not in STOP_WORDS][:MAX_QUERY_TERMS]
        groups: list[dict[str, float]] = []
        for position, word in enumerate(folded):
            group = {}
            token = stem(word)
            if token in self._postings:
                group[token] = 1.0
            last = position == len(folded) - 1 and not text[-1:].isspace()
            if last and len(word) >= MIN_PREFIX_CHARS:
                for completion in self._completions(word):
                    group.setdefault(completion, PREFIX_DISCOUNT)
            if group not in groups or not group:
                groups.append(group)
        return groups

    def _completions(self, prefix: str) -> list[str]:
        """Indexed tokens of the words starting with `prefix`, the most common first."""
        start = bisect.bisect_left(self._surface_words, prefix)
        found: set[str] = set()
        for word in itertools.islice(self._surface_words, start, None):
            if not word.startswith(prefix) or len(found) >= 10 * MAX_PREFIX_EXPANSIONS:
                break
            token = self._surface_tokens[word]
            if token in self._postings:
                found.add(token)
        ranked = sorted(found, key=lambda t: (-len(self._postings[t]), t))
        return ranked[:MAX_PREFIX_EXPANSIONS]

    def _hit(self, number: int, score: float, matching: set[str]) -> SearchHit:
        doc = self.docs[number]
        snippet = snippet_segments(doc.text, matching)
        if not any(s.match for s in snippet):
            from_summary = snippet_segments(doc.summary, matching)
            if any(s.match for s in from_summary) or not snippet:
                snippet = from_summary
        return SearchHit(doc, score, snippet, segments(doc.title, matching))


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


def build_search_index(index: ContentIndex) -> SearchIndex:
    """The search index over the pages, learning paths and modules, kits and playbooks."""
    docs: list[SearchDoc] = []
    for page in index.pages.values():
        docs.append(_doc(f"page/{page.id}", page, plain_text(page.body), f"/program/{page.id}"))
    for path in index.paths.values():
        audience = Audience(partner_types=tuple(path.audience))
        url = f"/learn/{path.id}"
        docs.append(_doc(f"path/{path.id}", path, plain_text(path.intro), url, audience=audience))
        for module in path.modules:
            key, text = f"module/{path.id}/{module.id}", plain_text(module.body)
            extra = {"audience": audience, "detail": path.title}
            docs.append(_doc(key, module, text, f"{url}/{module.id}", **extra))
    for kit in index.kits.values():
        names = [f.title for f in kit.files] + [t.title for t in kit.templates]
        text = _joined([plain_text(kit.body), *names])
        extra = {"tags": kit.tags, "audience": kit.audience, "detail": kit.kind}
        docs.append(_doc(f"kit/{kit.id}", kit, text, f"/kits/{kit.id}", **extra))
    for item in index.playbooks.values():
        url = f"/playbooks/{item.kind}/{item.id}"
        extra = {"tags": item.tags, "audience": item.audience}
        docs.append(_doc(item.key, item, _playbook_text(item), url, **extra))
    return SearchIndex(docs)


def _doc(key: str, item: Any, text: str, url: str, **extra: Any) -> SearchDoc:
    """A document for `item` (it has a title and a summary); the kind is the key's first part."""
    return SearchDoc(key, key.split("/", 1)[0], item.title, item.summary, text, url, **extra)


def _playbook_text(playbook: Playbook) -> str:
    """The objection, answers, use-case facts and comparison table, then the body."""
    parts = [playbook.objection, playbook.short_answer]
    parts += [playbook.industry, playbook.problem, playbook.outcome, playbook.metric]
    if playbook.comparison is not None:
        table = playbook.comparison
        parts += [table.caption, ", ".join(table.columns)]
        parts += [", ".join(row) for row in table.rows]
    parts.append(plain_text(playbook.body))
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    # A visible separator keeps snippets readable where short fields run together.
    return " · ".join(p.strip() for p in parts if p.strip())
