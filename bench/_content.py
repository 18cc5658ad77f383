"""Generate a large, valid content directory: 50 paths x 20 modules x 8 questions.

The layout follows content/README.md and the test fixture in tests/fixtures/content: a
program with three partner types, two pages, one onboarding checklist per partner type and
the learning paths. Everything is derived from one `random.Random(seed)`, so the same seed
always writes the same files (and so the same content version).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PARTNER_TYPES = ("referral", "reseller", "alliance")
CERTIFIED_PATH = "path-01"  # the onboarding checklists' learning_path step

_WORDS = [
    "account",
    "budget",
    "buyer",
    "champion",
    "contract",
    "customer",
    "deal",
    "demo",
    "discovery",
    "expansion",
    "forecast",
    "handover",
    "integration",
    "licence",
    "margin",
    "meeting",
    "objection",
    "onboarding",
    "partner",
    "pipeline",
    "pricing",
    "proposal",
    "qualification",
    "quota",
    "referral",
    "renewal",
    "revenue",
    "roadmap",
    "security",
    "stakeholder",
    "timeline",
    "trial",
    "upsell",
    "value",
    "vendor",
    "workflow",
    "analytics",
    "dashboard",
    "migration",
    "compliance",
    "support",
    "region",
    "territory",
    "incentive",
    "commission",
    "tier",
    "certification",
    "playbook",
]
_TOPICS = (
    "Discovery calls",
    "Qualifying budget",
    "Mapping stakeholders",
    "Handling objections",
    "Pricing conversations",
    "Running a demo",
    "Writing a proposal",
    "Closing together",
    "Renewals",
    "Expansion plays",
    "Security reviews",
    "Integrations",
)

PROGRAM_YML = """\
name: Benchwind Partner Program
vendor: Benchwind Analytics
currency: USD
partner_types:
  - id: referral
    name: Referral partner
    description: Introduces customers and hands the sale to us.
  - id: reseller
    name: Reseller
    description: Buys licences at a discount and resells them.
  - id: alliance
    name: Strategic alliance
    description: Builds joint offers with us.
tier_rules:
  grace_days: 90
  upgrades_need_approval: true
attested_facts:
  - id: qbr-attended
    name: Quarterly business review attended
    valid_days: 183
tiers:
  - id: registered
    name: Registered
    requirements:
      - kind: agreement_accepted
        label: Signed partner agreement
      - kind: onboarding_complete
        label: Onboarding completed
    benefits: [Portal access]
  - id: silver
    name: Silver
    requirements:
      - kind: certified_people
        count: 1
        label: One certified person
      - label: Two accepted referrals or one won deal a year
        any_of:
          - kind: accepted_referrals
            count: 2
            window_days: 365
            label: Two accepted referrals a year
          - kind: won_deals
            count: 1
            window_days: 365
            label: One won deal a year
    benefits: [Co-marketing funds]
  - id: gold
    name: Gold
    requirements:
      - kind: certified_people
        count: 3
        label: Three certified people
      - kind: won_deals
        count: 5
        window_days: 365
        label: Five won deals a year
      - kind: won_value
        amount: 100000
        window_days: 365
        label: USD 100,000 won a year
      - kind: staff_attested
        fact: qbr-attended
        label: A quarterly business review in the last two quarters
    benefits: [Named partner manager]
sla:
  first_response_hours: 48
  stale_after_days: 14
registration:
  protection_days: 90
pipeline_stages: [submitted, accepted, contacted, qualified, proposal, won, lost]
regions: [North America, Europe, Asia Pacific, Latin America]
commissions:
  hold_days: 60
  rules:
    - partner_type: referral
      involvement: sourced
      rate_percent: "10"
      cap: 25000
    - partner_type: referral
      involvement: influenced
      rate_percent: "5"
    - partner_type: reseller
      involvement: sourced
      rate_percent: "20"
    - partner_type: alliance
      involvement: sourced
      rate_percent: "7.5"
"""


@dataclass(frozen=True)
class ContentShape:
    """How much content to write."""

    paths: int = 50
    modules: int = 20
    questions: int = 8


def path_id(number: int) -> str:
    """The id of learning path `number` (1-based)."""
    return f"path-{number:02d}"


def module_id(number: int) -> str:
    """The id of module `number` (1-based) within its path."""
    return f"lesson-{number:02d}"


def path_audience(number: int) -> list[str]:
    """Paths 1-20 are for everyone, then blocks for referral, reseller, reseller + alliance."""
    if number <= 20:
        return []
    if number <= 30:
        return ["referral"]
    if number <= 40:
        return ["reseller"]
    return ["reseller", "alliance"]


def path_valid_days(number: int) -> int | None:
    """Every fifth path issues certificates that never expire; the others last a year."""
    return None if number % 5 == 0 else 365


def generate_content(root: Path, seed: int, shape: ContentShape | None = None) -> Path:
    """Write a complete content directory under `root` (replacing it) and return `root`."""
    shape = shape or ContentShape()
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "pages").mkdir(parents=True)
    (root / "onboarding").mkdir()
    (root / "program.yml").write_text(PROGRAM_YML)
    _write_pages(root)
    for partner_type in PARTNER_TYPES:
        _write_checklist(root, partner_type)
    for number in range(1, shape.paths + 1):
        _write_path(root, rng, number, shape)
    return root


def _document(meta: dict[str, Any], body: str) -> str:
    front = yaml.dump(meta, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n{body.rstrip()}\n"


def _write_pages(root: Path) -> None:
    guide = _document(
        {"title": "Program guide", "summary": "How the program works.", "order": 1},
        f"Welcome. Start with [the first path](/learn/{CERTIFIED_PATH}) and read the "
        "[rules of engagement](/program/rules).",
    )
    rules = _document(
        {"title": "Rules of engagement", "summary": "Who owns a deal.", "order": 2},
        "First come, first served. See the [guide](/program/guide) and your "
        "[checklist](/onboarding).",
    )
    # The tier criterion agreement_accepted needs a versioned agreement page.
    agreement = _document(
        {
            "title": "Partner agreement",
            "summary": "What every partner accepts.",
            "order": 3,
            "version": 1,
            "effective": "2026-01-05",
        },
        "The [rules of engagement](/program/rules) form part of this agreement.",
    )
    (root / "pages" / "guide.md").write_text(guide)
    (root / "pages" / "rules.md").write_text(rules)
    (root / "pages" / "agreement.md").write_text(agreement)


def _write_checklist(root: Path, partner_type: str) -> None:
    meta = {
        "title": f"Onboarding for {partner_type} partners",
        "steps": [
            {
                "id": "accept-agreement",
                "kind": "acknowledge",
                "title": "Accept the partner agreement",
                "description": "Read the [rules](/program/rules) and accept them.",
                "link": "/program/rules",
            },
            {
                "id": "get-certified",
                "kind": "learning_path",
                "path": CERTIFIED_PATH,
                "title": "Earn your first certificate",
            },
            {
                "id": "download-kit",
                "kind": "kit_download",
                "title": "Download a co-marketing kit",
                "required": False,
            },
            {
                "id": "first-referral",
                "kind": "first_referral",
                "title": "Submit your first referral",
                "required": False,
            },
            {"id": "kickoff-call", "kind": "staff", "title": "Kickoff call held"},
        ],
    }
    body = "Finish these steps to activate your partnership."
    (root / "onboarding" / f"{partner_type}.md").write_text(_document(meta, body))


def _write_path(root: Path, rng: random.Random, number: int, shape: ContentShape) -> None:
    folder = root / "learning" / path_id(number)
    folder.mkdir(parents=True)
    topic = _TOPICS[number % len(_TOPICS)]
    meta: dict[str, Any] = {
        "title": f"{topic} {number}",
        "summary": f"{topic} for partners: {_sentence(rng, 8)}",
    }
    if path_audience(number):
        meta["audience"] = path_audience(number)
    meta["certificate"] = f"Certified in {topic} {number}"
    if path_valid_days(number) is not None:
        meta["valid_days"] = path_valid_days(number)
    (folder / "path.md").write_text(_document(meta, _paragraph(rng, 4)))
    for position in range(1, shape.modules + 1):
        module = _module_meta(rng, number, position, shape)
        text = _document(module, _lesson(rng, number, position, shape))
        (folder / f"{position:02d}-{module_id(position)}.md").write_text(text)


def _module_meta(
    rng: random.Random, path_number: int, position: int, shape: ContentShape
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "title": f"{_sentence(rng, 4).rstrip('.')} ({position})",
        "summary": _sentence(rng, 9),
        "minutes": rng.randint(5, 20),
    }
    if position == 15 and shape.modules >= 15:
        # An explicit prerequisite list (the default is the previous module).
        meta["prerequisites"] = [module_id(13), module_id(14)]
    quiz: dict[str, Any] = {"pass_mark": 75}
    if position % 3 == 0:
        quiz["max_attempts"] = 3
        quiz["cooldown_hours"] = 24
    if position % 2 == 0:
        quiz["shuffle"] = True
    if position % 4 == 0 and shape.questions > 5:
        quiz["draw"] = 5
    quiz["questions"] = [_question(rng, q) for q in range(1, shape.questions + 1)]
    meta["quiz"] = quiz
    return meta


def _question(rng: random.Random, number: int) -> dict[str, Any]:
    kind = ("single", "multiple", "true_false")[(number - 1) % 3]
    question: dict[str, Any] = {
        "id": f"q{number}-{rng.choice(_WORDS)}",
        "type": kind,
        "prompt": _sentence(rng, 10).rstrip(".") + "?",
    }
    if number % 2:
        question["explain"] = _sentence(rng, 12)
    if kind == "true_false":
        question["answer"] = rng.random() < 0.5
        return question
    count = 4 if kind == "single" else 5
    correct = {rng.randrange(count)}
    if kind == "multiple":
        correct |= set(rng.sample(range(count), rng.randint(1, 2)))
    choices = []
    for index in range(count):
        choice: dict[str, Any] = {"text": _sentence(rng, 5)}
        if index in correct:
            choice["correct"] = True
        if rng.random() < 0.3:
            choice["explain"] = _sentence(rng, 8)
        choices.append(choice)
    question["choices"] = choices
    return question


def _lesson(rng: random.Random, path_number: int, position: int, shape: ContentShape) -> str:
    """About 400 words of Markdown with headings, a list, a table and internal links."""
    # The next path of the same audience: a link must open for everyone who reads the lesson.
    same = [n for n in range(1, shape.paths + 1) if path_audience(n) == path_audience(path_number)]
    next_path = path_id(same[(same.index(path_number) + 1) % len(same)])
    parts = [
        f"# {_sentence(rng, 5).rstrip('.')}",
        _paragraph(rng, 5),
        "## Why it matters",
        _paragraph(rng, 5),
        "\n".join(f"- **{rng.choice(_WORDS)}**: {_sentence(rng, 9)}" for _ in range(5)),
        "## How to do it",
        _paragraph(rng, 6),
        "| Signal | What it tells you |\n|---|---|\n"
        + "\n".join(f"| {rng.choice(_WORDS)} | {_sentence(rng, 7)} |" for _ in range(4)),
        _paragraph(rng, 5),
        f"Read the [program guide](/program/guide), then continue with "
        f"[the next path](/learn/{next_path}/{module_id(1)}) or go back to "
        f"[this path](/learn/{path_id(path_number)}).",
    ]
    if position > 1:
        parts.append(
            f"Revisit [the previous module](/learn/{path_id(path_number)}/"
            f"{module_id(position - 1)}) if anything here is new."
        )
    return "\n\n".join(parts)


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(_WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(sentences))
