"""The lead-routing bench's world: partners with industries, admins and certifications, leads.

Written in bulk through the driver (bench/_database.BulkWriter: COPY on PostgreSQL).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

TYPES = ("referral", "reseller", "alliance")
TIERS = ("registered", "silver", "gold")
LEAD_BATCH = 20_000


def seed(engine: Any, program: Any, partners: int, leads: int, certification: str) -> None:
    """`partners` active organisations (types referral/reseller/alliance, tiers, the program's
    regions, two of the lead industries each, one partner admin each; four in five hold the
    routing's certification, one in twenty of those only an expired one) and `leads` new
    leads spread over the mapped countries and the industries."""
    from bench._database import BulkWriter
    from portal.db_types import utcnow

    now = utcnow()
    regions = program.regions
    industries = program.leads.industries
    countries = [code for code, _region in program.leads.country_regions]
    writer = BulkWriter(engine)
    writer.write(
        "organizations",
        ("id", "name", "partner_type", "tier", "status", "website", "region", "created_at"),
        [(i, f"Partner {i}", TYPES[i % 3], TIERS[i % 3 if i % 7 else 0], "active", "",
          regions[i % len(regions)], writer.ts(now)) for i in range(1, partners + 1)],
    )  # fmt: skip
    writer.write(
        "lead_industries",
        ("organization_id", "industry"),
        [(i, industries[(i + k) % len(industries)]) for i in range(1, partners + 1)
         for k in (0, 1)],
    )  # fmt: skip
    writer.write(
        "users",
        ("id", "email", "name", "job_title", "password_hash", "role", "organization_id",
         "active", "session_token", "created_at"),
        [(i, f"admin{i}@partner{i}.example", f"Admin {i}", "", None, "partner_admin", i, True,
          f"token-{i:08d}", writer.ts(now)) for i in range(1, partners + 1)],
    )  # fmt: skip
    if certification:
        certs = []
        for i in range(1, partners + 1):
            if i % 5 == 0:
                continue  # one partner in five holds no certification at all
            expires = now - timedelta(days=3) if i % 20 == 1 else now + timedelta(days=300)
            certs.append((i, i, i, certification, "Certificate", f"code-{i:010d}",
                          writer.ts(now - timedelta(days=60)), writer.ts(expires)))  # fmt: skip
        writer.write(
            "certifications",
            (
                "id",
                "user_id",
                "organization_id",
                "path_id",
                "certificate_name",
                "code",
                "issued_at",
                "expires_at",
            ),
            certs,
        )
    for start in range(1, leads + 1, LEAD_BATCH):
        writer.write(
            "leads",
            ("id", "company", "website", "contact_name", "contact_email", "contact_phone",
             "country", "region", "industry", "size", "need", "source", "status",
             "conflict_reason", "routing_reason", "lost_reason", "status_changed_at",
             "created_at"),
            [(n, f"Company {n}", "", f"Contact {n}", f"c{n}@company{n}.example", "",
              countries[n % len(countries)], program.leads.region_of(countries[n % len(countries)]),
              industries[n % len(industries)], "", "", "import", "new", "", "", "",
              writer.ts(now), writer.ts(now))
             for n in range(start, min(start + LEAD_BATCH, leads + 1))],
        )  # fmt: skip
    writer.finish(("organizations", "users", "certifications", "leads"))
