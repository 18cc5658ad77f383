"""The names of a profile's terms (regions, countries, industries, ...) from program.yml."""

from __future__ import annotations

from portal.content.model import Program


def term_names(program: Program) -> dict[str, dict[str, str]]:
    """For each list field: id → name, from program.yml."""
    taxonomy = program.directory
    return {
        "regions": {region: region for region in program.regions},
        "countries": {c.id: c.name for c in taxonomy.countries},
        "industries": {t.id: t.name for t in taxonomy.industries},
        "services": {t.id: t.name for t in taxonomy.services},
        "languages": {t.id: t.name for t in taxonomy.languages},
    }
