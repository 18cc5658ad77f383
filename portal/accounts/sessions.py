"""How long a sign-in lasts: idle timeout, absolute lifetime and remember-me (no Flask, no DB).

A signed-in session carries two times (seconds since the epoch) in the signed session cookie:
when it must end at the latest and when the user was last seen. `ending_reason` says whether
the session is over; `touch` moves "last seen" at most once a minute, so an active user does
not get a new cookie on every request. A remember-me cookie carries the session token and the
time the password was typed; `read_remembered` accepts it only for REMEMBER_DAYS after that,
whatever the browser does with the cookie's own expiry, and a session it restores ends by
then too.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from portal.config import ConfigError

__all__ = [
    "ENDS_AT",
    "IDLE",
    "LIFETIME",
    "SEEN_AT",
    "Remembered",
    "SessionPolicy",
    "ending_message",
    "ending_reason",
    "in_words",
    "policy_from_settings",
    "read_remembered",
    "remember_payload",
    "stamp",
    "touch",
]

ENDS_AT = "_ends_at"
SEEN_AT = "_seen_at"
IDLE = "idle"
LIFETIME = "lifetime"

# Bounds checked at start: a value outside them is a configuration error, not a surprise.
IDLE_MINUTES_RANGE = (5, 24 * 60)
MAX_HOURS_RANGE = (1, 7 * 24)
REMEMBER_DAYS_RANGE = (0, 30)
# "Last seen" is written back at most this often: one new cookie a minute for an active user.
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class SessionPolicy:
    """The session settings in seconds; `remember_seconds` 0 turns remember-me off."""

    idle_seconds: int
    max_seconds: int
    remember_seconds: int
    touch_seconds: int = TOUCH_SECONDS

    @property
    def remember_days(self) -> int:
        """Remember-me in whole days, as the setting says (0: off)."""
        return self.remember_seconds // 86400


def _bounded(settings: Mapping[str, Any], name: str, bounds: tuple[int, int], unit: str) -> int:
    value = settings[name]
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(
            f"{name} must be a whole number of {unit} from {low} to {high}, got {value!r}."
        )
    return value


def policy_from_settings(settings: Mapping[str, Any]) -> SessionPolicy:
    """The session policy from SESSION_IDLE_MINUTES, SESSION_MAX_HOURS and REMEMBER_DAYS.

    Raises ConfigError for a value out of bounds, or a lifetime shorter than the idle timeout
    (usually minutes and hours mixed up).
    """
    idle = _bounded(settings, "SESSION_IDLE_MINUTES", IDLE_MINUTES_RANGE, "minutes")
    max_hours = _bounded(settings, "SESSION_MAX_HOURS", MAX_HOURS_RANGE, "hours")
    days = _bounded(settings, "REMEMBER_DAYS", REMEMBER_DAYS_RANGE, "days")
    if max_hours * 60 < idle:
        raise ConfigError(
            f"SESSION_MAX_HOURS ({max_hours} hours) is shorter than SESSION_IDLE_MINUTES "
            f"({idle} minutes), so the idle timeout could never apply: check the units."
        )
    return SessionPolicy(
        idle_seconds=idle * 60, max_seconds=max_hours * 3600, remember_seconds=days * 86400
    )


def _time(state: Mapping[str, Any], key: str) -> int | None:
    value = state.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def stamp(
    state: MutableMapping[str, Any], now: int, policy: SessionPolicy, until: int | None = None
) -> None:
    """Start a session's clocks at `now`: it ends after the lifetime, or sooner at `until`."""
    ends_at = now + policy.max_seconds
    state[ENDS_AT] = ends_at if until is None else min(ends_at, until)
    state[SEEN_AT] = now


def ending_reason(state: Mapping[str, Any], now: int, policy: SessionPolicy) -> str | None:
    """Why a signed-in session is over (IDLE or LIFETIME), or None while it may go on.

    When both limits have passed, the one that came first is the reason. A session without
    times (started before this rule, or written by a test helper) is not over: `touch` gives
    it times from now on.
    """
    ends_at, seen_at = _time(state, ENDS_AT), _time(state, SEEN_AT)
    ends = []
    if seen_at is not None:
        ends.append((seen_at + policy.idle_seconds, IDLE))
    if ends_at is not None:
        ends.append((ends_at, LIFETIME))
    past = sorted(end for end in ends if end[0] <= now)
    return past[0][1] if past else None


def touch(state: MutableMapping[str, Any], now: int, policy: SessionPolicy) -> None:
    """Record that the user was seen at `now`, writing only when the last record is stale."""
    if _time(state, ENDS_AT) is None:
        state[ENDS_AT] = now + policy.max_seconds
    seen_at = _time(state, SEEN_AT)
    if seen_at is None or now - seen_at >= policy.touch_seconds:
        state[SEEN_AT] = now


@dataclass(frozen=True)
class Remembered:
    """A remember-me cookie that is still in date: whose it is and when it runs out."""

    session_token: str
    until: int


def remember_payload(session_token: str, now: int) -> list[Any]:
    """What a remember-me cookie carries (before signing): the session token and when."""
    return [session_token, now]


def read_remembered(payload: Any, now: int, policy: SessionPolicy) -> Remembered | None:
    """A (verified) remember-me payload while it is in date, else None."""
    if policy.remember_seconds == 0:
        return None
    if not isinstance(payload, list) or len(payload) != 2:
        return None
    token, issued_at = payload
    if not isinstance(token, str) or not token:
        return None
    if not isinstance(issued_at, int) or isinstance(issued_at, bool):
        return None
    until = issued_at + policy.remember_seconds
    if now >= until:
        return None
    return Remembered(session_token=token, until=until)


def in_words(seconds: int) -> str:
    """A duration as people say it: "8 hours", "1 hour", "90 minutes", "14 days"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def ending_message(reason: str, policy: SessionPolicy) -> str:
    """What the login page tells someone whose session ended for `reason`."""
    if reason == IDLE:
        return (
            f"You were signed out after {in_words(policy.idle_seconds)} of inactivity. "
            "Sign in again to continue."
        )
    limit = in_words(policy.max_seconds)
    if policy.remember_seconds:
        limit += f", or {in_words(policy.remember_seconds)} with \u201cRemember me\u201d"
    return (
        f"You were signed out because a sign-in lasts at most {limit}. Sign in again to continue."
    )
