"""program.yml `directory`: the terms partner profiles choose from in the public directory.

```yaml
directory:
  industries:              # what the partner's customers do
    - {id: manufacturing, name: Manufacturing}
  services:                # what the partner offers
    - {id: implementation, name: Implementation}
  languages:               # languages the partner works in
    - {id: en, name: English}
  countries:               # countries a partner may serve, each in one of `regions`
    - {id: de, name: Germany, region: Europe}
```

Every list is optional (absent: profiles cannot choose any); ids are slugs, unique within
their list, and never reused, because published profiles store them. A country's region must
be one of the program's `regions`. Every problem is reported with its `path:line`.
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model_directory import DirectoryCountry, DirectoryTaxonomy, DirectoryTerm

DIRECTORY_KEYS = ("industries", "services", "languages", "countries")
WHAT = "'directory'"


def build_directory(src: Source, root: LineDict, regions: tuple[str, ...]) -> DirectoryTaxonomy:
    """The `directory` section of program.yml (absent: empty lists)."""
    if "directory" not in root:
        return DirectoryTaxonomy()
    section = f.mapping(src, root["directory"], WHAT, root.line_of("directory"))
    if section is None:
        return DirectoryTaxonomy()
    f.check_keys(src, section, WHAT, (), DIRECTORY_KEYS)
    return DirectoryTaxonomy(
        industries=_terms(src, section, "industries", "an industry"),
        services=_terms(src, section, "services", "a service"),
        languages=_terms(src, section, "languages", "a language"),
        countries=_countries(src, section, regions),
    )


def _entries(src: Source, section: LineDict, key: str, what: str) -> list[tuple[LineDict, int]]:
    items = f.item_list(src, section, key, WHAT)
    if items is None:
        return []
    result = []
    for index, item in enumerate(items):
        entry = f.mapping(src, item, f"{what} in 'directory.{key}'", items.line_of(index))
        if entry is not None:
            result.append((entry, items.line_of(index)))
    return result


def _terms(src: Source, section: LineDict, key: str, what: str) -> tuple[DirectoryTerm, ...]:
    seen: dict[str, int] = {}
    result = []
    for entry, line in _entries(src, section, key, what):
        where = f"{what} in 'directory.{key}'"
        f.check_keys(src, entry, where, ("id", "name"), ())
        term_id = f.slug(src, entry, "id", where)
        f.unique(src, seen, term_id, line, f"'directory.{key}' id")
        name = f.text(src, entry, "name", where)
        if term_id is not None and name:
            result.append(DirectoryTerm(id=term_id, name=name))
    return tuple(result)


def _countries(
    src: Source, section: LineDict, regions: tuple[str, ...]
) -> tuple[DirectoryCountry, ...]:
    seen: dict[str, int] = {}
    result = []
    where = "a country in 'directory.countries'"
    for entry, line in _entries(src, section, "countries", "a country"):
        f.check_keys(src, entry, where, ("id", "name", "region"), ())
        country_id = f.slug(src, entry, "id", where)
        f.unique(src, seen, country_id, line, "'directory.countries' id")
        name = f.text(src, entry, "name", where)
        region = f.text(src, entry, "region", where)
        if region and region not in regions:
            src.report(
                entry.line_of("region"),
                f"region {region!r} of country '{country_id}' is not one of the program's "
                f"regions ({', '.join(regions) or 'none listed'})",
            )
            continue
        if country_id is not None and name and region:
            result.append(DirectoryCountry(id=country_id, name=name, region=region))
    return tuple(result)
