"""Helpers for the directory tests: listed partners, logos in a temporary upload store."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from portal.accounts.models import OrgStatus, Role, User
from portal.content_runtime import current_content
from portal.directory import profiles
from portal.directory.models import DirectoryProfile
from portal.extensions import db
from portal.kits.uploads import EXTENSION_KEY as UPLOADS_KEY
from portal.kits.uploads import LocalUploads
from tests.conftest import new_org, new_user

PROFILE: dict[str, Any] = {
    "listed": True,
    "logo_key": None,
    "description": "We implement **analytics** for plants.",
    "website": "https://acme.example",
    "regions": ["Europe"],
    "countries": ["de"],
    "industries": ["manufacturing"],
    "services": ["implementation"],
    "languages": ["en", "de"],
}


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Uploads go to a temporary folder for the test."""
    before = app.extensions.get(UPLOADS_KEY)
    app.extensions[UPLOADS_KEY] = LocalUploads(tmp_path / "uploads")
    yield tmp_path / "uploads"
    if before is None:
        app.extensions.pop(UPLOADS_KEY, None)
    else:
        app.extensions[UPLOADS_KEY] = before


def png_bytes(size: tuple[int, int] = (800, 500), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, format="PNG", **save)
    return out.getvalue()


def staff() -> User:
    existing = db.session.query(User).filter_by(email="dir-staff@vendor.example").one_or_none()
    return existing or new_user(Role.STAFF, None, email="dir-staff@vendor.example")


def publish(org_id: int, admin: User, **values: Any) -> DirectoryProfile:
    """Propose the profile as `admin` and approve it (committed)."""
    from portal.accounts.models import Organization

    org = db.session.get(Organization, org_id)
    assert org is not None
    change = profiles.propose(org, admin, {**PROFILE, **values})
    profile = profiles.approve(change, staff(), current_content().program)
    db.session.commit()
    return profile


def listed_partner(
    name: str, tier: str = "registered", partner_type: str = "referral", **values: Any
) -> tuple[DirectoryProfile, User]:
    """An active organisation with a partner admin and an approved, listed profile."""
    org = new_org(name=name, tier=tier, partner_type=partner_type, status=OrgStatus.ACTIVE)
    admin = new_user(Role.PARTNER_ADMIN, org, email=f"admin-{org.id}@{org.id}.example")
    return publish(org.id, admin, **values), admin
