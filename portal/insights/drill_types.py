"""What a drill-down is: the kind of rows it lists, its statement, the keys it takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.content.model import ContentIndex, Program
from portal.insights.periods import Window
from portal.insights.scope import Scope

__all__ = ["OWNER_KEY", "Drill", "DrillArgs", "fixed_keys"]

OWNER_KEY = "owner"  # keys are user ids (0: nobody), checked by the view


@dataclass(frozen=True)
class DrillArgs:
    window: Window
    scope: Scope
    key: str  # "" when none was given (checked against `Drill.keys` first)
    now: datetime
    program: Program


@dataclass(frozen=True)
class Drill:
    title: str  # "Organisations invited", completed with the period by the page
    kind: (
        str  # organisations | referrals | certificates | people | attempts | meetings | commissions
    )
    build: Callable[[DrillArgs], sa.Select]
    # key → words (None: the drill takes no key; OWNER_KEY: a user id, 0 for nobody)
    keys: Callable[[ContentIndex], dict[str, str]] | str | None = None
    in_period: bool = True  # False: a figure about now


def fixed_keys(keys: dict[str, str]) -> Callable[[ContentIndex], dict[str, str]]:
    return lambda _content: keys
