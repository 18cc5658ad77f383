"""Playbooks built by hand for tests, and the fixture content with them swapped in."""

from __future__ import annotations

import dataclasses
from typing import Any

from portal.content.library import Audience, ComparisonTable, Playbook
from portal.content.model import ContentIndex
from portal.content.rendering import render_index

HOSTILE = "<script>alert(1)</script>"


def make_playbook(key: str, **fields: Any) -> Playbook:
    """A playbook "kind/id" with a title and summary made from its id; override any field."""
    kind, playbook_id = key.split("/")
    values: dict[str, Any] = {
        "id": playbook_id,
        "kind": kind,
        "title": playbook_id.replace("-", " ").capitalize(),
        "summary": f"Summary of {playbook_id}.",
        "audience": Audience(),
        "tags": (),
        "related": (),
        "body": f"Body of {playbook_id}.",
        "source": f"playbooks/{key}.md",
    }
    values.update(fields)
    return Playbook(**values)


def sample_playbooks() -> list[Playbook]:
    """One item of each kind for everyone, a reseller-only use case and a gold-only talk track."""
    return [
        make_playbook(
            "talk-tracks/first-call",
            title="The first call",
            tags=("discovery", "revops"),
            related=(
                "objections/too-expensive",
                "use-cases/reseller-margin",
                "battle-cards/vs-spreadsheets",
                "talk-tracks/gone-missing",
            ),
            body="Open with **their** forecast.",
        ),
        make_playbook(
            "battle-cards/vs-spreadsheets",
            title="Keelstone vs spreadsheets",
            tags=("competition",),
            comparison=ComparisonTable(
                caption="Keelstone compared with spreadsheets",
                columns=("Capability", "Keelstone", "Spreadsheets"),
                rows=(("Live pipeline", "Yes", "Manual"), ("Audit trail", "Built in", "None")),
            ),
        ),
        make_playbook(
            "objections/too-expensive",
            title="It costs too much",
            tags=("pricing",),
            objection="Your price is twice what we pay today.",
            short_answer="Count the hours your team spends rebuilding the forecast.",
            body="The longer answer: **payback** within a quarter.",
        ),
        make_playbook(
            "use-cases/saas-forecasting",
            title="Forecasting for a SaaS scale-up",
            tags=("revops",),
            industry="B2B software",
            problem="Three forecasts and none trusted.",
            outcome="One forecast the board reads.",
            metric="Forecast error down from 30% to 8%",
        ),
        make_playbook(
            "use-cases/reseller-margin",
            title="Reseller margin story",
            tags=("margin", "revops"),
            audience=Audience(partner_types=("reseller",)),
            industry="Distribution",
            problem="Thin margins.",
            outcome="Services attached.",
            metric="Margin up 6 points",
        ),
        make_playbook(
            "talk-tracks/gold-exec",
            title="Executive briefing",
            tags=("executive",),
            audience=Audience(min_tier_rank=2, min_tier="gold"),
        ),
    ]


def hostile_playbooks() -> list[Playbook]:
    """A playbook of each kind with markup in every string a template shows."""
    return [
        make_playbook(
            "battle-cards/hostile",
            title=f"Title {HOSTILE}",
            summary=f"Summary {HOSTILE}",
            tags=("x<b>y",),
            related=("objections/hostile", "use-cases/hostile"),
            comparison=ComparisonTable(
                caption=f"Caption {HOSTILE}",
                columns=(f"Col {HOSTILE}", "<img src=x onerror=alert(1)>"),
                rows=((f"Row {HOSTILE}", '"><svg onload=alert(1)>'),),
            ),
        ),
        make_playbook(
            "objections/hostile",
            title=f"Objection title {HOSTILE}",
            objection=f"Objection {HOSTILE}",
            short_answer="<img src=x onerror=alert(1)>",
            body=f"Longer {HOSTILE}",
        ),
        make_playbook(
            "use-cases/hostile",
            title=f"Case {HOSTILE}",
            industry=f"Industry {HOSTILE}",
            problem="<iframe src=javascript:alert(1)></iframe>",
            outcome="<details open ontoggle=alert(1)>",
            metric=f"Metric {HOSTILE}",
        ),
    ]


def with_playbooks(index: ContentIndex, playbooks: list[Playbook]) -> ContentIndex:
    """The index with exactly these playbooks, their Markdown rendered as a load renders it."""
    return render_index(dataclasses.replace(index, playbooks={p.key: p for p in playbooks}))
