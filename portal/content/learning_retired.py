"""`learning/retired.yml`: learning paths and modules removed for good, whose ids never return.

```yaml
paths: [old-path]                  # learning path ids
modules: [basics/old-module]       # <path id>/<module id>
```

Quiz attempts and certificates name their path and module by id. When a path or module that
learners used is removed, its id goes here: the check then stops warning about the learners'
history (portal.content.history_check) and refuses a new path or module with that id, which
would make old attempts and certificates look like they belong to it. Certificates of a
retired path stay valid and verifiable: they carry their own name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, LineList, parse_yaml
from portal.content.learning import MODULE_FILE

RETIRED_FILE = "learning/retired.yml"


@dataclass(frozen=True)
class RetiredLearning:
    """Retired path ids and `path/module` ids, each with its line in learning/retired.yml."""

    paths: Mapping[str, int] = field(default_factory=dict)
    modules: Mapping[str, int] = field(default_factory=dict)


def read_retired(src: Source, text: str | None) -> RetiredLearning:
    """Parse learning/retired.yml (absent: nothing is retired), reporting what is malformed."""
    if text is None:
        return RetiredLearning()
    parsed = parse_yaml(text)
    for line, message in parsed.errors:
        src.report(line, message)
    data = parsed.data
    if data is None:
        return RetiredLearning()
    if not isinstance(data, LineDict):
        src.report(1, "learning/retired.yml must be a mapping with 'paths:' and 'modules:' lists")
        return RetiredLearning()
    f.check_keys(src, data, "learning/retired.yml", (), ("paths", "modules"))
    return RetiredLearning(
        paths=_ids(src, data, "paths", 1, "a learning path id"),
        modules=_ids(src, data, "modules", 2, "<path id>/<module id>"),
    )


def _ids(src: Source, data: LineDict, key: str, parts: int, shape: str) -> dict[str, int]:
    result: dict[str, int] = {}
    listed = data.get(key)
    for item in f.text_list(src, data, key, "learning/retired.yml"):
        line = listed.line_of_value(item) if isinstance(listed, LineList) else data.line
        pieces = item.split("/")
        if len(pieces) != parts or not all(f.is_slug(piece) for piece in pieces):
            src.report(line, f"retired {key} entry {item!r} must be {shape} (lower-case slugs)")
            continue
        result[item] = line
    return result


def reused_learning_problems(
    retired: RetiredLearning,
    path_files: Mapping[str, str | None],
    module_files: Mapping[str, list[str]],
    report: Callable[[str, int, str], None],
) -> None:
    """Report every path or module that uses a retired id."""
    for path_id, rel in path_files.items():
        if path_id in retired.paths:
            report(
                rel or f"learning/{path_id}/path.md",
                1,
                f"learning path id '{path_id}' was retired ({RETIRED_FILE}, line "
                f"{retired.paths[path_id]}): past attempts and certificates use it, "
                "so give this path a new id",
            )
    for path_id, rels in module_files.items():
        for rel in rels:
            match = MODULE_FILE.match(rel.rsplit("/", 1)[-1])
            key = f"{path_id}/{match.group(2)}" if match else ""
            if key in retired.modules:
                report(
                    rel,
                    1,
                    f"module id '{key}' was retired ({RETIRED_FILE}, line "
                    f"{retired.modules[key]}): past attempts use it, so give this module "
                    "a new id",
                )
