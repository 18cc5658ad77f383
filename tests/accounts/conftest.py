"""Fixtures for the account tests."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def other_client(app: Flask) -> FlaskClient:
    """A second browser, with its own cookies."""
    return app.test_client()


class Clock:
    """The time sessions see, in seconds since the epoch; tests move it instead of sleeping."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Replace the session clock with one the test moves (`clock.advance(hours=8)`)."""
    from portal.accounts import signin

    moved = Clock(time.time())
    monkeypatch.setattr(signin, "current_time", moved)
    return moved
