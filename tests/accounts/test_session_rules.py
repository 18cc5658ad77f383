"""Session lifetime rules without a request: settings, idle and absolute limits, remember-me."""

from __future__ import annotations

from typing import Any

import pytest

from portal import create_app
from portal.accounts.sessions import (
    ENDS_AT,
    IDLE,
    LIFETIME,
    SEEN_AT,
    ending_message,
    ending_reason,
    in_words,
    policy_from_settings,
    read_remembered,
    remember_payload,
    stamp,
    touch,
)
from portal.config import ConfigError, load_settings

HOUR = 3600
DAY = 24 * HOUR
T0 = 1_800_000_000

DEFAULTS = {"SESSION_IDLE_MINUTES": 480, "SESSION_MAX_HOURS": 12, "REMEMBER_DAYS": 14}
POLICY = policy_from_settings(DEFAULTS)


def test_documented_defaults(monkeypatch, tmp_path) -> None:
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    settings = load_settings(tmp_path)
    assert {name: settings[name] for name in DEFAULTS} == DEFAULTS
    policy = policy_from_settings(settings)
    assert (policy.idle_seconds, policy.max_seconds, policy.remember_days) == (
        8 * HOUR,
        12 * HOUR,
        14,
    )


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"REMEMBER_DAYS": 31}, "REMEMBER_DAYS must be a whole number of days from 0 to 30"),
        ({"REMEMBER_DAYS": 365}, "got 365"),
        ({"REMEMBER_DAYS": -1}, "REMEMBER_DAYS"),
        ({"SESSION_IDLE_MINUTES": 0}, "SESSION_IDLE_MINUTES must be a whole number of minutes"),
        ({"SESSION_IDLE_MINUTES": 3}, "from 5 to 1440"),
        ({"SESSION_IDLE_MINUTES": 2000, "SESSION_MAX_HOURS": 48}, "from 5 to 1440"),
        ({"SESSION_MAX_HOURS": 0}, "SESSION_MAX_HOURS must be a whole number of hours"),
        ({"SESSION_MAX_HOURS": 24 * 31}, "from 1 to 168"),
        ({"SESSION_MAX_HOURS": 2}, "shorter than SESSION_IDLE_MINUTES (480 minutes)"),
        ({"SESSION_IDLE_MINUTES": "480"}, "got '480'"),
    ],
)
def test_settings_out_of_bounds_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        policy_from_settings({**DEFAULTS, **overrides})
    assert message in str(caught.value)


def test_the_app_refuses_to_start_with_remember_days_too_large(app_config) -> None:
    with pytest.raises(ConfigError, match="REMEMBER_DAYS"):
        create_app({**app_config, "REMEMBER_DAYS": 90})


def test_the_environment_is_checked_at_start(app_config, monkeypatch) -> None:
    monkeypatch.setenv("SESSION_MAX_HOURS", "720")
    with pytest.raises(ConfigError, match="SESSION_MAX_HOURS"):
        create_app(app_config)


def test_remember_days_zero_turns_remember_me_off() -> None:
    policy = policy_from_settings({**DEFAULTS, "REMEMBER_DAYS": 0})
    assert read_remembered(remember_payload("tok", T0), T0 + 1, policy) is None


def test_a_fresh_session_goes_on() -> None:
    state: dict[str, Any] = {}
    stamp(state, T0, POLICY)
    assert ending_reason(state, T0 + 8 * HOUR - 1, POLICY) is None


def test_a_session_idle_for_the_timeout_ends() -> None:
    state: dict[str, Any] = {}
    stamp(state, T0, POLICY)
    assert ending_reason(state, T0 + 8 * HOUR, POLICY) == IDLE


def test_activity_keeps_a_session_going_until_its_lifetime() -> None:
    state: dict[str, Any] = {}
    stamp(state, T0, POLICY)
    now = T0
    while now < T0 + 12 * HOUR - 2 * HOUR:
        now += 2 * HOUR
        assert ending_reason(state, now, POLICY) is None
        touch(state, now, POLICY)
    assert ending_reason(state, T0 + 12 * HOUR, POLICY) == LIFETIME


def test_the_limit_reached_first_is_the_reason() -> None:
    state = {ENDS_AT: T0 + 12 * HOUR, SEEN_AT: T0 + HOUR}
    # Idle since T0 + 9 h, past the lifetime since T0 + 12 h: it ended for inactivity.
    assert ending_reason(state, T0 + 13 * HOUR, POLICY) == IDLE
    state = {ENDS_AT: T0 + 12 * HOUR, SEEN_AT: T0 + 6 * HOUR}
    assert ending_reason(state, T0 + 15 * HOUR, POLICY) == LIFETIME


def test_touch_writes_at_most_once_a_minute() -> None:
    state: dict[str, Any] = {}
    stamp(state, T0, POLICY)
    touch(state, T0 + 59, POLICY)
    assert state[SEEN_AT] == T0
    touch(state, T0 + 60, POLICY)
    assert state[SEEN_AT] == T0 + 60
    assert state[ENDS_AT] == T0 + 12 * HOUR


def test_a_session_without_times_is_given_them_not_ended() -> None:
    """Sessions from before these rules start their clocks on the next request."""
    state: dict[str, Any] = {"_user_id": "tok"}
    assert ending_reason(state, T0, POLICY) is None
    touch(state, T0, POLICY)
    assert (state[ENDS_AT], state[SEEN_AT]) == (T0 + 12 * HOUR, T0)
    assert ending_reason(state, T0 + 8 * HOUR, POLICY) == IDLE


@pytest.mark.parametrize("bad", ["x", None, True, 1.5, [1]])
def test_times_of_the_wrong_type_are_not_trusted(bad: Any) -> None:
    state = {ENDS_AT: bad, SEEN_AT: bad}
    touch(state, T0, POLICY)
    assert (state[ENDS_AT], state[SEEN_AT]) == (T0 + 12 * HOUR, T0)


def test_remember_me_holds_for_its_days_and_no_longer() -> None:
    payload = remember_payload("tok", T0)
    remembered = read_remembered(payload, T0 + 14 * DAY - 1, POLICY)
    assert remembered is not None
    assert (remembered.session_token, remembered.until) == ("tok", T0 + 14 * DAY)
    assert read_remembered(payload, T0 + 14 * DAY, POLICY) is None


def test_a_session_restored_near_the_end_of_remember_me_ends_with_it() -> None:
    state: dict[str, Any] = {}
    stamp(state, T0, POLICY, until=T0 + 2 * HOUR)
    touch(state, T0 + HOUR, POLICY)
    assert ending_reason(state, T0 + 2 * HOUR - 1, POLICY) is None
    assert ending_reason(state, T0 + 2 * HOUR, POLICY) == LIFETIME


@pytest.mark.parametrize(
    "payload", [None, "tok", ["tok"], ["", T0], [None, T0], ["tok", "1"], ["tok", True], {}]
)
def test_malformed_remember_payloads_are_refused(payload: Any) -> None:
    assert read_remembered(payload, T0, POLICY) is None


@pytest.mark.parametrize(
    "seconds,words",
    [(8 * HOUR, "8 hours"), (HOUR, "1 hour"), (90 * 60, "90 minutes"), (DAY, "1 day")],
)
def test_durations_in_words(seconds: int, words: str) -> None:
    assert in_words(seconds) == words


def test_messages_say_why_the_session_ended() -> None:
    assert ending_message(IDLE, POLICY) == (
        "You were signed out after 8 hours of inactivity. Sign in again to continue."
    )
    assert ending_message(LIFETIME, POLICY) == (
        "You were signed out because a sign-in lasts at most 12 hours, or 14 days with "
        "\u201cRemember me\u201d. Sign in again to continue."
    )
