"""Full-text search over the content index: built in memory at load, queried per request.

Pure Python: no Flask, no database, no Markdown rendering (bodies are reduced to plain text by
a cheap regex pass). Ranking is BM25 with a saturation per field, weighted title >> tags and
summary > body, so one title match outranks any number of body matches. All query terms must
match; when no visible document has them all, any term will do. The last term also matches as
a prefix, for results as you type. Hits carry their snippet and title as `Segment`s with the
matched words flagged (built in `portal.content.search_text`, as are the words themselves).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from portal.content.library import EVERYONE, Audience, Playbook
from portal.content.model import ContentIndex
from portal.content.search_text import (
    STOP_WORDS,
    Segment,
    fold,
    plain_text,
    segments,
    snippet_segments,
    stem,
    token_counts,
    words,
)

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
MIN_PREFIX_CHARS = 2
MAX_PREFIX_EXPANSIONS = 30
PREFIX_DISCOUNT = 0.8  # a word completed from a prefix counts a little less than a typed one
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
                "title": token_counts(doc.title, tokens),
                "tags": token_counts(" ".join(doc.tags), tokens),
                "summary": token_counts(doc.summary, tokens),
                "body": token_counts(doc.text, tokens),
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


def build_search_index(index: ContentIndex) -> SearchIndex:
    """The search index over the pages, learning paths and modules, kits and playbooks."""
    docs: list[SearchDoc] = []
    for page in index.pages.values():
        url = f"/staff/handbook/pages/{page.id}" if page.staff_only else f"/program/{page.id}"
        text = plain_text(page.body)
        docs.append(_doc(f"page/{page.id}", page, text, url, audience=page.audience))
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
        url = f"/{'staff/handbook' if item.audience.staff_only else 'playbooks'}/{item.key}"
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
