"""Headings in rendered content: one level down, with GitHub's ids, never an id the page uses.

Levels: a content `#` heading becomes <h2>, `##` <h3> ... (`######` stays <h6>): the page's own
title is its only <h1>.

Ids follow GitHub's rule, so a link copied from a GitHub preview works here: the heading's
text, lower-cased, with everything but letters, digits, `_`, `-` and spaces dropped and each
space turned into `-` ("Pricing & payouts" -> `pricing--payouts`). A repeated heading takes the
next free number: `budget`, `budget-1`, `budget-2` (GitHub's github-slugger does the same). A
heading with no letter or digit gets no id.

The page around the content has ids of its own (`main`, `quiz`, `kit-files`, ...: PAGE_IDS, and
on the onboarding page `step-<id>` for each step). They count as taken before the first heading,
so a heading called "Quiz" gets `quiz-1`, exactly as a second heading "Quiz" would on GitHub, and
never takes the id of the page's quiz section.

This works on cmark-gfm's own output, where a Markdown heading is exactly `<hN>...</hN>` (a raw
HTML heading written the same way is treated alike; one with attributes is left as written), in
one pass: each character is looked at a bounded number of times, whatever the input.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable

# Every fixed id in the page templates (tests/content/test_headings.py keeps this complete),
# plus `csrf_token`, the id of the hidden field Flask-WTF puts in the module page's forms.
PAGE_IDS: frozenset[str] = frozenset(
    {
        "actions-heading", "add-heading", "audit-results", "cert-name", "certs-heading",
        "commission-heading", "commission-results", "commissions-heading", "complete-heading",
        "conflicts-heading", "csrf_token", "customer-q", "customer-results", "details-heading",
        "earnings-totals", "inbox-owner", "inbox-q", "inbox-region", "inbox-results", "inbox-sla",
        "inbox-status", "invite", "invite-heading", "invites-heading", "kit-files", "kit-kind",
        "kit-q", "kit-results", "kit-templates", "learning-heading", "list-heading",
        "locked-heading", "main", "members-heading", "next-heading", "objection-heading",
        "onboarding-heading", "onboarding-progress", "org-certifications-heading", "org-results",
        "partner-heading", "playbook-library", "playbook-summary", "quiz", "quiz-heading",
        "referral-form", "referral-list", "referral-panel", "registration-hint",
        "related-heading", "search-results-live", "search-status", "site-search-q",
        "staff-steps", "state-heading", "status-heading", "steps-heading", "submitted-heading",
        "template-text", "timeline-heading", "upload-heading", "upload-status", "verify-status",
        # the staff tier standing pages (portal/templates/standing)
        "facts-heading", "grace-heading", "history-heading", "open-heading", "record-fact",
        "summary-heading", "tier-standing", "tier-standing-heading",
        # the partner home's figures and tier card, the scorecard (portal/templates/scorecard)
        "earnings-heading", "funnel-heading", "open-referrals-heading", "pipeline-heading",
        "quarter", "tier-card-heading", "waiting-heading", "winrate-heading",
        # the lead pages (portal/templates/leads)
        "import-heading", "industries-heading", "lead-actions", "lead-form", "lead-form-heading",
        "lead-heading", "lead-list", "lead-routing", "lead-table", "leads-heading",
        "offers-heading", "routing-reason", "staff-lead-heading", "staff-leads-heading",
        # staff pages: /insights and the organisation page's meetings
        "freshness", "insights-period", "insights-region", "insights-tier", "insights-type",
        "meetings", "meetings-heading",
        # co-marketing approvals (portal/templates/comarketing)
        "comarketing-heading", "decision-heading", "piece-list", "piece-results",
        "versions-heading",
        # the staff referral page's disclosures, the meeting form (issue 13: no dead ends)
        "log-meeting", "more-actions-heading", "outcome-disclosure",
        # the public partner directory and its partner and staff pages (portal/directory)
        "contact-heading", "directory-change-heading", "directory-contact-heading",
        "directory-contacts-heading", "directory-heading", "directory-profile-heading",
        "directory-queue-heading", "directory-results", "profile-state", "sent-heading",
        # the API token pages and the API reference (portal/templates/api)
        "api-heading", "api-reference-heading", "api-tokens-heading", "create-heading",
        "create-token", "new-token", "new-token-secret", "operations-heading", "schemas-heading",
        "tokens-heading",
        # the public verification page's share section
        "badge-link", "copy-status", "share-heading", "share-link",
        # partner questions (portal/templates/questions, _questions_about.html)
        "answer-heading", "ask-form", "ask-heading", "commission-questions-heading",
        "faq-heading", "faq-list", "note-heading", "queue-heading", "queue-results",
        "question-heading", "question-list", "question-thread", "questions-about-heading",
        "questions-heading", "reply-heading", "staff-question", "staff-question-heading",
        "thread-heading",
        # the staff home's figures and the design system page (/styleguide)
        "by-status-heading", "sg-badges", "sg-buttons", "sg-cards", "sg-colours",
        "sg-disclosure", "sg-empty", "sg-forms", "sg-progress", "sg-tables", "sg-tabs",
        # market development funds (portal/templates/mdf), partner and staff pages
        "budget-heading", "claim-decide-heading", "claim-heading", "claims-heading",
        "decide-heading", "mdf-heading", "mdf-queue", "pay-heading", "requests-heading",
        # the partner team's handbook (staff-only pages and playbooks)
        "handbook-pages", "handbook-playbooks",
        # the partner agreement page and the organisation page's agreement section
        "accept-heading", "acceptances-heading", "agreement-heading", "agreement-state-heading",
        "agreement-text-heading",
        # compliance documents (portal/templates/compliance), partner and staff pages
        "approve-heading", "compliance-documents-heading", "documents-heading",
        "reject-heading", "uploads-heading",
        # (an organisation's quiz attempts, staff, also use "versions-heading")
        # the admin's webhook endpoints (portal/templates/webhooks)
        "add-endpoint", "deliveries-heading", "endpoints-heading", "new-secret",
        "new-secret-value",
        # the compliance document review page's second button
        "reject-submit",
    }
)  # fmt: skip

_OPEN = re.compile(r"<h([1-6])>")
_TAG = re.compile(r"<[^<>]*>")  # stops at the next "<": linear even on a stray "<"
_NOT_IN_ID = re.compile(r"[^\w\- ]")
_ID = re.compile(r'id="(?<=\sid=")([^"]*)"')  # literal first: fast over large HTML


def step_ids(step_ids: Iterable[str]) -> frozenset[str]:
    """The ids the onboarding page gives its steps (onboarding/_step.html)."""
    return frozenset(i for step in step_ids for i in (f"step-{step}", f"step-{step}-title"))


def github_slug(text: str) -> str:
    """GitHub's anchor for a heading whose text is `text` (before duplicates are numbered)."""
    return _NOT_IN_ID.sub("", text.lower()).replace(" ", "-")


def heading_text(inner_html: str) -> str:
    """The text a heading shows: its HTML without tags, entities decoded."""
    return html.unescape(_TAG.sub("", inner_html))


def element_ids(safe_html: str) -> set[str]:
    """Every `id` in sanitised HTML (its serialiser always quotes attributes with `"`)."""
    return {html.unescape(value) for value in _ID.findall(safe_html)}


class _Ids:
    """Hands out unique ids the way github-slugger does, with `taken` already in use."""

    def __init__(self, taken: Collection[str]) -> None:
        self.taken = set(taken)
        self.counts: dict[str, int] = {}

    def unique(self, slug: str) -> str:
        result = slug
        while result in self.taken:
            self.counts[slug] = self.counts.get(slug, 0) + 1
            result = f"{slug}-{self.counts[slug]}"
        self.taken.add(result)
        return result


def shift_headings(raw_html: str, reserved: Collection[str] = PAGE_IDS) -> str:
    """cmark-gfm's HTML with each heading one level down and given a unique GitHub-style id."""
    ids = _Ids(reserved)
    out: list[str] = []
    copied = 0  # raw_html[:copied] is in `out`
    search_from = 0
    unclosed: set[str] = set()  # levels with no closing tag left: never searched for again
    while (opening := _OPEN.search(raw_html, search_from)) is not None:
        level = opening.group(1)
        search_from = opening.end()
        if level in unclosed:
            continue
        closing = raw_html.find(f"</h{level}>", search_from)
        if closing < 0:
            unclosed.add(level)
            continue
        inner = raw_html[search_from:closing]
        new_level = min(int(level) + 1, 6)
        slug = github_slug(heading_text(inner))
        id_attribute = f' id="{ids.unique(slug)}"' if slug.strip("-_") else ""
        out.append(raw_html[copied : opening.start()])
        out.append(f"<h{new_level}{id_attribute}>{inner}</h{new_level}>")
        copied = search_from = closing + len("</hN>")
    out.append(raw_html[copied:])
    return "".join(out)
