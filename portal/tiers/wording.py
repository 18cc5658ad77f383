"""Criteria results in words, for pages and e-mails: "1 of 2", "USD 45,000.00 of USD 60,000.00"."""

from __future__ import annotations

from datetime import date

from portal.money import format_money
from portal.tiers.compute import CriterionResult

YES_NO_KINDS = frozenset(
    {"agreement_accepted", "onboarding_complete", "staff_attested", "compliance_current"}
)


def progress_text(result: CriterionResult, currency: str) -> str:
    """The value against the target, in the words a partner reads."""
    if result.kind == "any_of":
        return " · ".join(f"{o.label}: {progress_text(o, currency)}" for o in result.options)
    if result.kind == "staff_attested":
        return _attested_text(result)
    if result.kind in YES_NO_KINDS:
        return "done" if result.met else "not yet"
    if result.kind == "won_value":
        return f"{format_money(result.value, currency)} of {format_money(result.target, currency)}"
    return f"{result.value} of {result.target}"


def _attested_text(result: CriterionResult) -> str:
    if result.met and result.valid_until is not None:
        return f"recorded {_day(result.last_on)}, counts until {_day(result.valid_until)}"
    if result.met:
        return f"recorded {_day(result.last_on)}"
    if result.last_on is not None:
        return f"last recorded {_day(result.last_on)}, no longer counts"
    return "not yet recorded"


def _day(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value is not None else ""


def missing_lines(results: tuple[CriterionResult, ...], currency: str) -> list[str]:
    """One line per criterion not met: its label and where it stands."""
    return [f"{r.label}: {progress_text(r, currency)}" for r in results]
