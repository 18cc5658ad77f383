"""Kit test helpers: kits built by hand on a temporary content root, and moto's S3 server."""

from __future__ import annotations

import hashlib
import mimetypes
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import sqlalchemy as sa

from portal.audit.models import ActivityEvent
from portal.content.library import EVERYONE, Audience, Kit, KitFile, KitTemplate
from portal.extensions import db
from tests.conftest import FIXTURE_CONTENT, moto_endpoint

BUCKET = "kit-assets"
PREFIX = "portal/kits"
# The fixture content's kits (tests/fixtures/content/kits).
WEBINAR = "webinar-in-a-box"
PRICING = "reseller-pricing-sheet"
SLIDES = FIXTURE_CONTENT / "kits" / WEBINAR / "files" / "slides.pdf"


def events(kind: str | None = None) -> list[tuple[str, str, int | None]]:
    """The activity events as (kind, subject, organisation id), oldest first."""
    query = sa.select(ActivityEvent.kind, ActivityEvent.subject, ActivityEvent.organization_id)
    if kind:
        query = query.where(ActivityEvent.kind == kind)
    return [tuple(row) for row in db.session.execute(query.order_by(ActivityEvent.id))]


def build_kit(
    root: Path,
    kit_id: str = "webinar",
    files: dict[str, bytes] | None = None,
    *,
    title: str = "Co-selling webinar",
    kind: str = "webinar",
    summary: str = "Run a joint webinar.",
    audience: Audience = EVERYONE,
    templates: tuple[KitTemplate, ...] = (),
    tags: tuple[str, ...] = (),
) -> Kit:
    """A Kit as the loader would build it, with its files written under `root/kits/<kit_id>/`."""
    files = {"slides.pdf": b"%PDF-1.4 slides"} if files is None else files
    folder = root / "kits" / kit_id / "files"
    folder.mkdir(parents=True, exist_ok=True)
    kit_files = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        kit_files.append(
            KitFile(
                name=name,
                title=f"Title of {name}",
                size=len(data),
                media_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                sha256=hashlib.sha256(data).hexdigest(),
                path=f"kits/{kit_id}/files/{name}",
            )
        )
    return Kit(
        id=kit_id,
        title=title,
        kind=kind,
        audience=audience,
        summary=summary,
        body="Body.",
        files=tuple(kit_files),
        templates=templates,
        source=f"kits/{kit_id}/kit.md",
        tags=tags,
    )


def make_template(
    template_id: str = "invite", body: str = "Hi from {{ partner.name }}", fmt: str = "text"
) -> KitTemplate:
    return KitTemplate(
        id=template_id,
        title=f"Template {template_id}",
        format=fmt,
        body=body,
        source=f"kits/k/templates/{template_id}.md",
    )


@dataclass
class MotoS3:
    """moto's standalone server, reachable over real HTTP."""

    endpoint_url: str

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def client(self):
        return boto3.client("s3", region_name="us-east-1", endpoint_url=self.endpoint_url)

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoS3]:
    """One moto server per test module on 127.0.0.1 (a free port), stopped afterwards."""
    with moto_endpoint() as endpoint_url:
        yield MotoS3(endpoint_url)


@pytest.fixture
def s3(moto_server: MotoS3, aws_credentials: None) -> MotoS3:
    """An empty moto S3 with the kit bucket created."""
    moto_server.reset()
    moto_server.client().create_bucket(Bucket=BUCKET)
    return moto_server


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound (nobody else takes it), not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
