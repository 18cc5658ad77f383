"""The organisation list's attention flags: the slot the reporting layer fills.

A flag is a condition on Organization (an EXISTS over the organisation's rows), so the list
filters and sorts by it in the statement that pages it. The conditions read other features'
tables and the tier evaluation's grace periods, which this feature may not import; so the
reporting layer defines them (portal/insights/attention.py) and registers them when the app
starts, and the list asks `attention_flags()`. Unregistered, the list shows no flags.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app

__all__ = ["AttentionFlag", "ShownFlag", "attention_flags", "register_attention_flags"]

_EXTENSION = "staff_attention_flags"


@dataclass(frozen=True)
class AttentionFlag:
    """One flag: its id (the list's `?flag=`), its words, and how the database finds it."""

    name: str
    label: str  # "Pipeline stalled"
    weight: int  # a power of two; "Needs attention" sorts by the sum, heaviest first
    condition: Callable[[datetime], Any]  # now → a condition on Organization
    # now → a scalar subquery on Organization: the date shown beside the flag (when it ends)
    shown_date: Callable[[datetime], Any] | None = None
    date_wording: str = ""  # the words before that date: "until"


@dataclass(frozen=True)
class ShownFlag:
    """A flag up on one organisation of the list, with its date if it has one."""

    name: str
    label: str
    on: date | None = None
    date_wording: str = ""


def register_attention_flags(app: Flask, flags: Sequence[AttentionFlag]) -> None:
    """Called once at start by the layer that defines the flags."""
    app.extensions[_EXTENSION] = tuple(flags)


def attention_flags() -> tuple[AttentionFlag, ...]:
    """The registered flags, heaviest first; none when nothing registered them."""
    flags: tuple[AttentionFlag, ...] = current_app.extensions.get(_EXTENSION, ())
    return tuple(sorted(flags, key=lambda flag: -flag.weight))
