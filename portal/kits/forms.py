"""Kit forms: the "copied" button carries only the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm


class CopiedForm(FlaskForm):
    """POSTed by kits.js after copying a template's text (CSRF only)."""
