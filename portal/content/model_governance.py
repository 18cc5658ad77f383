"""The governance and marketing sections of program.yml and the agreement's version, as
immutable values: question topics and the review SLA (program_governance.py), market
development funds (program_mdf.py), and the partner agreement's terms (agreement.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class QuestionTopic:
    """A topic partners ask the partner team about: its staff group and first-response SLA."""

    id: str
    name: str
    group: str
    first_response_hours: int


@dataclass(frozen=True)
class Governance:
    """program.yml `governance` (portal/content/program_governance.py): the topics partners
    ask about, and the co-marketing review SLA in hours."""

    topics: tuple[QuestionTopic, ...] = ()
    approval_hours: int = 72

    def topic(self, topic_id: str) -> QuestionTopic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def topic_name(self, topic_id: str) -> str:
        """The topic's name; its id when the program no longer lists it."""
        topic = self.topic(topic_id)
        return topic.name if topic is not None else topic_id


@dataclass(frozen=True)
class AgreementTerms:
    """The partner agreement's current text: its page, version and the day it binds.

    Until `effective` the previous version binds; an acceptance of a version counts for it and
    every earlier one (partners accept the newest text they are shown).
    """

    page_id: str
    version: int
    effective: date

    def required_version(self, today: date) -> int:
        """The version an organisation must have accepted on `today`."""
        return self.version if today >= self.effective or self.version == 1 else self.version - 1


@dataclass(frozen=True)
class MdfActivityType:
    """A kind of activity market development funds pay for (program.yml `mdf.activity_types`)."""

    id: str
    name: str


@dataclass(frozen=True)
class MdfRules:
    """program.yml `mdf`: funds per tier and period, what they pay for, and the claim rules.

    `allocations` holds (tier id, minor units of the program currency per period); a tier not
    listed gets no funds. `vendor_share_percent` is the share of an activity's actual cost the
    vendor pays back, up to the approved amount. A claim is due `claim_days` after the activity.
    """

    period: Literal["quarter", "year"]
    allocations: tuple[tuple[str, int], ...]
    activity_types: tuple[MdfActivityType, ...]
    vendor_share_percent: int
    claim_days: int

    def allocation_for(self, tier_id: str | None) -> int:
        """The tier's funds per period in minor units (0 for a tier without an allocation)."""
        return next((minor for tier, minor in self.allocations if tier == tier_id), 0)

    def activity_name(self, type_id: str) -> str:
        """The activity type's name; its id when the program no longer lists it."""
        kind = next((t for t in self.activity_types if t.id == type_id), None)
        return kind.name if kind is not None else type_id
