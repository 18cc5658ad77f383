"""Search as one user sees it: who may see which document, and the query itself.

Plain functions over the content index and the signed-in user; no request. The search index
lives in memory with the content index (built at load), so a search costs no database round
trip beyond the user's own organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.accounts.access import audience_check
from portal.accounts.models import User
from portal.content.model import ContentIndex, Program
from portal.content.search import (
    MAX_QUERY_CHARS,
    SearchDoc,
    SearchResults,
    build_search_index,
)

RESULTS_LIMIT = 20


@dataclass(frozen=True)
class Search:
    """A search as the results page shows it."""

    query: str  # the query as searched (spaces collapsed, at most MAX_QUERY_CHARS)
    results: SearchResults
    truncated: bool = False  # the query was cut to MAX_QUERY_CHARS

    @property
    def empty(self) -> bool:
        return not self.query


def visible_to(user: User, program: Program) -> Callable[[SearchDoc], bool]:
    """What `user` may see: a partner what their type and tier admit (never a staff-only
    document); staff the partner team's handbook (`audience: staff` pages and playbooks) and
    no partner material, which staff pages do not serve (no links that answer 403).
    """
    admits = audience_check(user, program)
    return lambda doc: admits(doc.audience)


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query to search and whether it was cut: control characters and runs of spaces
    collapsed, at most MAX_QUERY_CHARS. A trailing space is kept: the last word is complete,
    so it is not matched as a prefix."""
    text = "".join(c if c.isprintable() else " " for c in (raw or "")[: MAX_QUERY_CHARS * 4])
    query = " ".join(text.split())
    truncated = len(query) > MAX_QUERY_CHARS
    query = query[:MAX_QUERY_CHARS]
    if query and not truncated and text[-1:].isspace():
        query += " "
    return query, truncated


def search(user: User, index: ContentIndex, raw_query: str | None) -> Search:
    """The user's search for `raw_query` over everything they may see."""
    query, truncated = clean_query(raw_query)
    if not query:
        return Search("", SearchResults([], 0, True), truncated)
    # load_content always builds the search index; an index made by hand gets one built here.
    search_index = index.search or build_search_index(index)
    results = search_index.search(query, visible_to(user, index.program), RESULTS_LIMIT)
    return Search(query.rstrip(), results, truncated)
