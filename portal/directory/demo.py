"""Demo directory for `make run`: a dozen active partners listed with profiles and logos.

Logos are drawn here with Pillow (a coloured tile with the partner's initials), then go
through the same cleaning and storage as an upload. One demo organisation (the first partner
people sign in to) also has a change waiting in the staff queue.
"""

from __future__ import annotations

import io
import random

import sqlalchemy as sa
from PIL import Image, ImageDraw

from portal.accounts.models import Organization, OrgStatus, User
from portal.content.model import ContentIndex
from portal.directory import logos, profiles
from portal.directory.listing import refresh_counts
from portal.extensions import db

LISTED = 12
COLOURS = ("#0b5cad", "#1b7f5b", "#8a3ffc", "#b3261e", "#0f766e", "#a15c07", "#334155")
PITCHES = (
    "We help **{industry}** teams get from spreadsheets to one trusted pipeline view.",
    "Certified implementers: discovery, rollout and training in {weeks} weeks.",
    "A {kind} partner with a bench of analysts who stay after go-live.",
)


def _logo(name: str, colour: str) -> bytes:
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "P"
    image = Image.new("RGB", (240, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.text((120, 120), initials, fill="white", anchor="mm", font_size=96)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _values(org: Organization, content: ContentIndex, rng: random.Random) -> dict[str, object]:
    taxonomy = content.program.directory
    countries = rng.sample(list(taxonomy.countries), k=min(3, len(taxonomy.countries)))
    industries = rng.sample(list(taxonomy.industries), k=min(2, len(taxonomy.industries)))
    pitch = rng.choice(PITCHES).format(
        industry=industries[0].name.lower() if industries else "revenue",
        weeks=rng.choice((6, 8, 12)),
        kind=content.program.partner_type_name(org.partner_type).lower(),
    )
    slug = profiles.slug_base(org.name)
    where = countries[0].name if countries else "your region"
    return {
        "listed": True,
        "logo_key": logos.store_logo(logos.clean_logo(_logo(org.name, rng.choice(COLOURS)))),
        "description": f"{pitch}\n\n- Fixed-price pilots\n- Local teams in {where}",
        "website": f"https://{slug}.example",
        "regions": sorted({c.region for c in countries}),
        "countries": [c.id for c in countries],
        "industries": [t.id for t in industries],
        "services": [
            t.id for t in rng.sample(list(taxonomy.services), k=min(2, len(taxonomy.services)))
        ],
        "languages": [t.id for t in taxonomy.languages[: rng.choice((1, 2))]],
    }


def load_demo_directory(content: ContentIndex, staff: list[User]) -> int:
    """List a dozen active organisations with approved profiles; returns how many."""
    if not staff:
        return 0
    rng = random.Random(18)
    orgs = list(
        db.session.scalars(
            sa.select(Organization)
            .where(Organization.status == OrgStatus.ACTIVE)
            .order_by(Organization.id)
            .limit(LISTED)
        )
    )
    for org in orgs:
        change = profiles.propose(org, staff[0], _values(org, content, rng))
        profiles.approve(change, staff[0], content.program)
    waiting = db.session.scalar(
        sa.select(Organization)
        .where(Organization.status != OrgStatus.ACTIVE)
        .order_by(Organization.id)
    )
    if waiting is not None:
        profiles.propose(waiting, staff[0], _values(waiting, content, rng))
    refresh_counts(program=content.program)
    return len(orgs)
