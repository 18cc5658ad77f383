"""ISO 3166-1 alpha-2 country codes and names, from the tzdata package's iso3166.tab.

tzdata is already a dependency (SLA time zones); its table is the IANA copy of the ISO list,
so the portal keeps no country list of its own.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from types import MappingProxyType


@cache
def countries() -> MappingProxyType[str, str]:
    """Every country code with its English name, e.g. {"DE": "Germany", ...}."""
    text = resources.files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text("utf-8")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, _, name = line.partition("\t")
        found[code.strip()] = name.strip()
    return MappingProxyType(dict(sorted(found.items(), key=lambda item: item[1])))


def country_name(code: str) -> str:
    """The country's name; the code itself when it is not an ISO 3166 code."""
    return countries().get(code, code)
