"""Audit feature: audit entries and engagement activity events (views live in portal.admin)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing to register: audit is written through portal.audit.service."""
