"""Fixtures for the account tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def other_client(app: Flask) -> FlaskClient:
    """A second browser, with its own cookies."""
    return app.test_client()
