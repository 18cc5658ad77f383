"""The `leads` section of program.yml as immutable values (parsed by program_leads.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

CAP_PERIODS = ("week", "month", "quarter")
CHOICES = ("round_robin", "weighted")
TERRITORIES = ("region", "none")
DEFAULT_SIZES = ("1-49", "50-249", "250-999", "1000+")


@dataclass(frozen=True)
class LeadRouting:
    """Which partners may receive a lead, how many per period, and how one is chosen."""

    partner_types: tuple[str, ...] = ()  # empty: every partner type
    minimum_tier: str = ""  # empty: every tier
    territory: str = "region"  # "region": the partner's region is the lead's; "none"
    industry_match: bool = False  # the partner lists the lead's industry in its preferences
    certification: str = ""  # a learning path id someone in the partner must be certified in
    cap: int = 5  # leads per partner per period
    cap_period: str = "month"
    choose: str = "round_robin"
    certification_line: int = field(default=0, compare=False)  # for the loader's path check


@dataclass(frozen=True)
class LeadRules:
    """Lead handling: the acceptance window, reminders, the lists forms offer, routing."""

    accept_hours: int = 48
    stale_after_days: int = 14
    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = DEFAULT_SIZES
    country_regions: tuple[tuple[str, str], ...] = ()  # (ISO 3166 alpha-2 code, region)
    routing: LeadRouting = field(default_factory=LeadRouting)

    def region_of(self, country: str) -> str:
        """The program region a country belongs to; "" when program.yml does not place it."""
        return next((region for code, region in self.country_regions if code == country), "")
