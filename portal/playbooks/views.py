"""Playbook pages: the library by kind and tag, one item with its related items."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("playbooks", __name__, url_prefix="/playbooks")
