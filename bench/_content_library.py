"""Generate kits, playbooks and extra program pages for the content bench.

Writes exactly the format of content/README.md and TEAM_PLAN4.md: `kits/<kit>/kit.md` with
`files/` (small files, every one listed in the front matter) and `templates/<id>.md` (Jinja
using only the allowed variables), and `playbooks/<kind>/<id>.md` for the four kinds with
their kind-specific front matter. Text is drawn from a few hundred domain words with a Zipf-like
frequency, so some words are in almost every document and others in a handful: queries then
hit both long and short posting lists. Everything derives from `random.Random(seed)`.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._content import CERTIFIED_PATH, PARTNER_TYPES, _document

KIT_KINDS = ("webinar", "email", "landing-page", "case-study", "social", "one-pager")
PLAYBOOK_KINDS = ("talk-tracks", "battle-cards", "objections", "use-cases")
TIERS = ("registered", "silver", "gold")
TEMPLATE_VARIABLES = (
    "partner.name",
    "partner.website",
    "user.name",
    "user.title",
    "kit.title",
    "kit.summary",
    "program.vendor",
    "program.name",
)
# A small plain PDF and PNG header: the files only need to exist, be small and be typed.
FILE_SAMPLES = {
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n" + bytes(64),
    "txt": b"Talking points for the partner call.\n",
}

_VOCABULARY_TEXT = """
pipeline forecast revenue renewal customer partner referral deal discovery budget champion
stakeholder proposal pricing discount margin quota territory region incentive commission tier
certification onboarding integration migration security compliance analytics dashboard workflow
automation churn expansion upsell retention adoption usage billing invoice contract procurement
legal approval timeline roadmap demo trial pilot evaluation benchmark competitor spreadsheet
visibility accuracy reporting operations finance controller executive sponsor buyer committee
objection risk value outcome metric payback saving efficiency productivity onboarding handover
qualification scoring signal intent lead opportunity stage probability close accounts planning
coverage capacity hiring enablement training coaching playbook messaging positioning narrative
webinar event campaign newsletter landing banner social announcement sequence cadence follow
meeting agenda recap summary template proposal quote licence subscription seat tenant platform
connector api warehouse model schema data quality governance audit permission role single
sign on encryption residency availability uptime support escalation response resolution
success health score nps survey feedback interview reference testimonial case study industry
manufacturing retail healthcare education logistics insurance banking software media energy
telecom hospitality construction agriculture government nonprofit startup enterprise midmarket
smb global regional local channel reseller alliance distributor consultant integrator agency
cosell comarketing joint offer bundle package implementation services rollout phase milestone
kickoff workshop assessment baseline target quarter annual monthly weekly daily forecasting
commit upside best case worst case variance gap coverage ratio conversion velocity cycle length
win rate loss reason review inspection hygiene duplicate conflict registration protection
window attribution sourced influenced payout hold dispute approval ledger statement
"""
_VOCABULARY = list(dict.fromkeys(_VOCABULARY_TEXT.split()))
_INDUSTRIES = ("Healthcare", "Retail", "Logistics", "Software", "Education", "Manufacturing")


@dataclass
class LibraryShape:
    """How many of each document the library gets (pages beyond the two of the base content)."""

    pages: int = 18
    kits: int = 398
    playbooks_per_kind: int = 238


class _Words:
    """Zipf-like word draws: the first words of the vocabulary are by far the most common."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 1) for rank in range(len(_VOCABULARY)))
        )

    def some(self, count: int) -> list[str]:
        return self.rng.choices(_VOCABULARY, cum_weights=self.cumulative, k=count)

    def sentence(self, count: int) -> str:
        return " ".join(self.some(count)).capitalize() + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence(self.rng.randint(8, 16)) for _ in range(sentences))

    def title(self, count: int) -> str:
        return " ".join(self.some(count)).capitalize()

    def tags(self) -> list[str]:
        return sorted(set(self.rng.sample(_VOCABULARY[:60], self.rng.randint(1, 3))))

    def body(self) -> str:
        """About 250 words of Markdown: headings, emphasis, a list and a program link."""
        items = "\n".join(f"- **{w}**: {self.sentence(8)}" for w in self.some(4))
        return "\n\n".join(
            [
                self.paragraph(3),
                "## How to use it",
                self.paragraph(3),
                items,
                f"Read the [program guide](/program/guide) and [the first path](/learn/"
                f"{CERTIFIED_PATH}) before your first call.",
            ]
        )


def kit_id(number: int) -> str:
    return f"kit-{number:04d}"


def playbook_id(number: int) -> str:
    return f"item-{number:04d}"


def audience_for(number: int) -> dict[str, Any] | None:
    """Most items are for everyone; some for one or two partner types, some from a tier up."""
    shape = number % 6
    if shape in (0, 1, 2):
        return None
    if shape == 3:
        return {"partner_types": [PARTNER_TYPES[number % 3]]}
    if shape == 4:
        return {"min_tier": TIERS[1 + number % 2]}
    return {"partner_types": ["reseller", "alliance"], "min_tier": "silver"}


def generate_library(root: Path, seed: int, shape: LibraryShape | None = None) -> None:
    """Add extra pages, kits and playbooks to the content directory `root`."""
    shape = shape or LibraryShape()
    words = _Words(random.Random(seed + 1))
    for number in range(1, shape.pages + 1):
        meta = {"title": words.title(4), "summary": words.sentence(10), "order": 10 + number}
        body = f"# {words.title(5)}\n\n{words.paragraph(4)}\n\n{words.body()}"
        (root / "pages" / f"page-{number:02d}.md").write_text(_document(meta, body))
    for number in range(1, shape.kits + 1):
        _write_kit(root, words, number)
    for kind in PLAYBOOK_KINDS:
        folder = root / "playbooks" / kind
        folder.mkdir(parents=True)
        for number in range(1, shape.playbooks_per_kind + 1):
            meta = _playbook_meta(words, kind, number, shape.playbooks_per_kind)
            (folder / f"{playbook_id(number)}.md").write_text(_document(meta, words.body()))


def _write_kit(root: Path, words: _Words, number: int) -> None:
    folder = root / "kits" / kit_id(number)
    (folder / "files").mkdir(parents=True)
    (folder / "templates").mkdir()
    files = []
    for index, extension in enumerate(("pdf", "png", "txt")[: 1 + number % 3], start=1):
        name = f"asset-{index}.{extension}"
        (folder / "files" / name).write_bytes(FILE_SAMPLES[extension])
        files.append({"name": name, "title": f"{words.title(3)} ({extension.upper()})"})
    meta: dict[str, Any] = {
        "title": f"{words.title(4)} {number}",
        "kind": KIT_KINDS[number % len(KIT_KINDS)],
        "summary": words.sentence(12),
    }
    if audience := audience_for(number):
        meta["audience"] = audience
    meta["tags"] = words.tags()
    meta["files"] = files
    (folder / "kit.md").write_text(_document(meta, words.body()))
    fmt = "html" if number % 4 == 0 else "text"
    variables = " ".join(f"{{{{ {v} }}}}" for v in words.rng.sample(TEMPLATE_VARIABLES, 3))
    template = f"Hi there,\n\n{words.paragraph(2)}\n\n{variables}\n\n{{{{ user.name }}}}"
    if fmt == "html":
        template = f"<p>{words.paragraph(2)}</p>\n<p>{variables} {{{{ partner.name }}}}</p>"
    (folder / "templates" / "message.md").write_text(
        _document({"title": f"{words.title(3)} message", "format": fmt}, template)
    )


def _playbook_meta(words: _Words, kind: str, number: int, per_kind: int) -> dict[str, Any]:
    meta: dict[str, Any] = {"title": f"{words.title(5)} {number}", "summary": words.sentence(12)}
    if audience := audience_for(number):
        meta["audience"] = audience
    meta["tags"] = words.tags()
    other = PLAYBOOK_KINDS[(PLAYBOOK_KINDS.index(kind) + 1) % len(PLAYBOOK_KINDS)]
    meta["related"] = [f"{other}/{playbook_id(number % per_kind + 1)}"]
    if kind == "battle-cards" and number % 2:
        meta["comparison"] = {
            "caption": f"Benchwind vs {words.title(1)}",
            "columns": ["Capability", "Benchwind", "Spreadsheets"],
            "rows": [[words.title(2), "Yes", "Manual"] for _ in range(4)],
        }
    elif kind == "objections":
        meta["objection"] = words.sentence(8).rstrip(".") + "?"
        meta["short_answer"] = words.sentence(14)
    elif kind == "use-cases":
        meta["industry"] = _INDUSTRIES[number % len(_INDUSTRIES)]
        meta["problem"] = words.sentence(10)
        meta["outcome"] = words.sentence(10)
        meta["metric"] = f"{10 + number % 40}% less time spent on the {words.some(1)[0]}"
    return meta


def sample_queries(rng: random.Random, titles: list[str], count: int) -> list[str]:
    """Realistic queries: common and rare words, pairs, a title phrase, prefixes as typed."""
    queries = []
    for number in range(count):
        style = number % 5
        if style == 0:
            queries.append(rng.choice(_VOCABULARY[:30]))
        elif style == 1:
            queries.append(rng.choice(_VOCABULARY[100:]))
        elif style == 2:
            queries.append(" ".join(rng.sample(_VOCABULARY[:120], 2)))
        elif style == 3:
            queries.append(" ".join(rng.choice(titles).split()[:3]))
        else:
            word = rng.choice([w for w in _VOCABULARY if len(w) > 5])
            queries.append(f"{rng.choice(_VOCABULARY[:40])} {word[: rng.randint(3, 5)]}")
    return queries
