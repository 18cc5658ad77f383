"""Which partner gets a lead: eligibility from program.yml `leads.routing`, the choice, the cap.

One call routes one lead inside the caller's transaction:

1. The eligible partners, in one query: active organisations of an allowed type at or above
   the minimum tier, in the lead's region (territory: region), listing the lead's industry
   (industry_match), holding the required certification (learning.api), never offered this
   lead before, with room left in this period's cap.
2. The choice among them. `round_robin`: the partner whose last lead in this period is the
   oldest (never first, then by id). `weighted`: the highest weight / (leads this period + 1),
   weight = (tier rank + 1) x smoothed win rate on routed leads ((won + 1) / (closed + 2)),
   so over a period partners receive leads in proportion to their weights.
3. The slot: one upsert of the partner's `lead_caps` row for the period whose update is
   conditional (`used = used + 1 WHERE used < cap`). Concurrent routings serialise on that row; a
   routing that finds it full moves on to the next candidate. The CHECK (used <= cap) backs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Organization, OrgStatus
from portal.content.model import Program
from portal.db_types import UTCDateTime, insert_for_dialect, utcnow
from portal.extensions import db
from portal.leads.models import Lead, LeadCap, LeadIndustry, LeadOffer, LeadStatus
from portal.learning.api import certified_organizations

# Round-robin reads this many candidates in turn order: enough for routings racing for slots.
CANDIDATE_LIMIT = 20
_STATEMENT_BY_PROGRAM: dict[int, tuple[Program, sa.Select[Any]]] = {}
PERIOD_WORDS = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}


@dataclass(frozen=True)
class Candidate:
    """An eligible partner with what the choice and the explanation need."""

    organization_id: int
    name: str
    tier: str
    used: int
    last_routed_at: datetime | None
    won: int = 0
    closed: int = 0


def period_of(moment: datetime, cap_period: str) -> str:
    """The cap period a moment falls in: "2026-12", "2026-W49" or "2026-Q4"."""
    if cap_period == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    if cap_period == "quarter":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment.year}-{moment.month:02d}"


def eligible_tiers(program: Program) -> tuple[str, ...]:
    """The tier ids at or above the routing's minimum tier (every tier when none is set)."""
    minimum = program.leads.routing.minimum_tier
    floor = program.tier_rank(minimum) if minimum else 0
    return tuple(t.id for t in program.tiers if t.rank >= floor)


def eligibility_statement(program: Program) -> sa.Select[Any]:
    """The one statement that finds a lead's candidates under the program's rules.

    Built once per program (kept by identity: a content reload makes a new program) with
    the lead's values as bound parameters (`lead_id`, `region`, `industry`, `period`, `now`),
    so routing a lead neither rebuilds the query from the rules nor recomputes its cache key.
    Every condition, the certification included, is a clause of the same indexed query
    (ix_organizations_region_status, ix_lead_industries_industry_org); for round-robin the
    database sorts and cuts the line, so a lead reads at most CANDIDATE_LIMIT rows however
    many partners there are.
    """
    cached = _STATEMENT_BY_PROGRAM.get(id(program))
    if cached is not None and cached[0] is program:
        return cached[1]
    routing = program.leads.routing
    cap = LeadCap.__table__.alias("cap")
    stmt = (
        sa.select(Organization.id, Organization.name, Organization.tier, cap.c.used,
                  cap.c.last_routed_at)
        .outerjoin(cap, sa.and_(cap.c.organization_id == Organization.id,
                                cap.c.period == sa.bindparam("period")))
        .where(
            Organization.status == OrgStatus.ACTIVE,
            Organization.tier.in_(eligible_tiers(program)),
            sa.or_(cap.c.used.is_(None), cap.c.used < routing.cap),
            ~sa.exists().where(LeadOffer.lead_id == sa.bindparam("lead_id"),
                               LeadOffer.organization_id == Organization.id),
        )
    )  # fmt: skip
    if routing.partner_types:
        stmt = stmt.where(Organization.partner_type.in_(routing.partner_types))
    if routing.territory == "region":
        stmt = stmt.where(Organization.region == sa.bindparam("region"))
    if routing.industry_match:
        stmt = stmt.where(
            sa.exists().where(
                LeadIndustry.organization_id == Organization.id,
                LeadIndustry.industry == sa.bindparam("industry"),
            )
        )
    if routing.certification:
        now = sa.bindparam("now", type_=UTCDateTime())
        stmt = stmt.where(Organization.id.in_(certified_organizations(routing.certification, now)))
    if routing.choose == "round_robin":
        # The choice needs only the head of the line: let the database sort and cut it.
        stmt = stmt.order_by(
            cap.c.last_routed_at.is_not(None), cap.c.last_routed_at, Organization.id
        ).limit(CANDIDATE_LIMIT)
    if len(_STATEMENT_BY_PROGRAM) > 8:
        _STATEMENT_BY_PROGRAM.clear()
    _STATEMENT_BY_PROGRAM[id(program)] = (program, stmt)
    return stmt


def candidates(lead: Lead, program: Program, period: str) -> list[Candidate]:
    """The partners the rules allow for this lead that still have room this period."""
    params = {"lead_id": lead.id, "region": lead.region, "industry": lead.industry,
              "period": period, "now": utcnow()}  # fmt: skip
    rows = db.session.execute(eligibility_statement(program), params).all()
    found = [Candidate(row[0], row[1], row[2], row[3] or 0, row[4]) for row in rows]
    if program.leads.routing.choose == "weighted" and found:
        found = _with_win_rates(found)
    return found


def _with_win_rates(found: list[Candidate]) -> list[Candidate]:
    ids = [c.organization_id for c in found]
    won = sa.func.sum(sa.case((Lead.status == LeadStatus.WON, 1), else_=0))
    stmt = (
        sa.select(Lead.partner_id, won, sa.func.count())
        .where(Lead.partner_id.in_(ids), Lead.status.in_((LeadStatus.WON, LeadStatus.LOST)))
        .group_by(Lead.partner_id)
    )
    stats = {row[0]: (int(row[1] or 0), int(row[2])) for row in db.session.execute(stmt)}
    return [
        Candidate(c.organization_id, c.name, c.tier, c.used, c.last_routed_at,
                  *stats.get(c.organization_id, (0, 0)))
        for c in found
    ]  # fmt: skip


def weight(candidate: Candidate, program: Program) -> float:
    """Tier rank + 1 times the smoothed win rate on routed leads ((won + 1) / (closed + 2))."""
    return (program.tier_rank(candidate.tier) + 1) * (candidate.won + 1) / (candidate.closed + 2)


def ordered(found: list[Candidate], program: Program) -> list[Candidate]:
    """The candidates in the order the routing's `choose` prefers them."""
    if program.leads.routing.choose == "weighted":
        return sorted(
            found,
            key=lambda c: (-weight(c, program) / (c.used + 1), c.used, c.organization_id),
        )
    # Round-robin: never routed this period first, then the longest since its last lead.
    return sorted(
        found,
        key=lambda c: (c.last_routed_at is not None, c.last_routed_at or 0, c.organization_id),
    )


def take_slot(organization_id: int, period: str, cap: int, now: datetime) -> bool:
    """Take one of the partner's slots for the period; False when the cap is used up.

    One statement: INSERT the period's row with one slot used, or, when it exists, UPDATE
    it to one more WHERE used < cap. PostgreSQL locks the row and evaluates the WHERE on the
    version any routing that got there first committed, so no two routings take the last slot.
    """
    stmt = (
        insert_for_dialect(LeadCap)
        .values(organization_id=organization_id, period=period, cap=cap, used=1,
                last_routed_at=now)
        .on_conflict_do_update(
            index_elements=[LeadCap.organization_id, LeadCap.period],
            set_={"used": LeadCap.used + 1, "cap": cap, "last_routed_at": now},
            where=LeadCap.used < cap,
        )
        .returning(LeadCap.used)
    )  # fmt: skip
    return db.session.execute(stmt).first() is not None


def explain(lead: Lead, chosen: Candidate, program: Program) -> str:
    """Why the rules chose this partner, in one sentence staff can read."""
    routing = program.leads.routing
    matched = []
    if routing.territory == "region":
        matched.append(f"region {lead.region}")
    if routing.industry_match:
        matched.append(f"industry {lead.industry}")
    if routing.certification:
        matched.append(f"certified in {routing.certification}")
    matched.append(f"tier {program.tier_name(chosen.tier)}")
    words = PERIOD_WORDS.get(routing.cap_period, routing.cap_period)
    if routing.choose == "weighted":
        how = f"weighted choice (weight {weight(chosen, program):.2f})"
    else:
        how = "round-robin (longest without a lead)"
    return (
        f"Matched {', '.join(matched)}; {chosen.used + 1} of {routing.cap} {words} cap used; {how}."
    )[:500]
