"""Which file is which, from names alone, so cross-checks do not cascade from errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.content.build import LEARNING, ONBOARDING, PAGES, Build
from portal.content.fields import is_slug
from portal.content.images import is_content_image
from portal.content.kits import KITS, KitLayout, sort_kit_files
from portal.content.learning import MODULE_FILE
from portal.content.learning_retired import RETIRED_FILE
from portal.content.playbooks import PLAYBOOKS, sort_playbook_files

PATH_FILE = "path.md"


@dataclass
class Layout:
    """Which file is which, from names alone (so cross-checks do not cascade from errors)."""

    pages: dict[str, str] = field(default_factory=dict)  # page id -> rel
    checklists: dict[str, str] = field(default_factory=dict)  # partner type -> rel
    path_files: dict[str, str | None] = field(default_factory=dict)  # path id -> path.md rel
    module_files: dict[str, list[str]] = field(default_factory=dict)  # path id -> module rels
    module_ids: dict[str, list[str]] = field(default_factory=dict)  # path id -> module ids
    kits: dict[str, KitLayout] = field(default_factory=dict)  # kit id -> its files
    playbooks: dict[str, str] = field(default_factory=dict)  # "<kind>/<id>" -> rel

    @classmethod
    def sort(cls, build: Build, rels: list[str]) -> Layout:
        layout = cls()
        kit_rels, playbook_rels = [], []
        for rel in rels:
            parts = rel.split("/")
            top = parts[0]
            if top == PAGES:
                layout._flat(build, rel, parts, layout.pages, "pages/<id>.md")
            elif top == ONBOARDING:
                layout._flat(build, rel, parts, layout.checklists, "onboarding/<partner type>.md")
            elif top == LEARNING:
                layout._learning(build, rel, parts)
            elif top == KITS:
                kit_rels.append(rel)
            elif top == PLAYBOOKS:
                playbook_rels.append(rel)
        layout.kits = sort_kit_files(build.report, kit_rels)
        layout.playbooks = sort_playbook_files(build.report, playbook_rels)
        for path_id, path_rel in layout.path_files.items():
            if path_rel is None:
                build.report(
                    f"{LEARNING}/{path_id}/{PATH_FILE}",
                    1,
                    f"missing {PATH_FILE}: every folder in learning/ is a path and needs one",
                )
        return layout

    def _flat(self, build: Build, rel: str, parts: list[str], into: dict, shape: str) -> None:
        name = parts[-1]
        if len(parts) != 2 or not name.endswith(".md"):
            build.report(rel, 1, f"unexpected file: this folder holds {shape} files only")
        elif not is_slug(name[:-3]):
            build.report(
                rel, 1, f"the file name must be a lower-case slug id (a-z, 0-9, -): {name!r}"
            )
        else:
            into[name[:-3]] = rel

    def _learning(self, build: Build, rel: str, parts: list[str]) -> None:
        if is_content_image(rel):  # an image beside the modules (portal.content.images)
            return
        if rel == RETIRED_FILE:  # retired path and module ids (portal.content.learning_retired)
            return
        if len(parts) != 3 or not parts[2].endswith(".md"):
            build.report(
                rel,
                1,
                "unexpected file: learning/ holds <path>/path.md, <path>/NN-<id>.md "
                "and retired.yml",
            )
            return
        path_id, name = parts[1], parts[2]
        if not is_slug(path_id):
            if name == PATH_FILE:
                build.report(
                    rel, 1, f"the path folder name must be a lower-case slug id: {path_id!r}"
                )
            return
        self.path_files.setdefault(path_id, None)
        self.module_files.setdefault(path_id, [])
        self.module_ids.setdefault(path_id, [])
        if name == PATH_FILE:
            self.path_files[path_id] = rel
            return
        self.module_files[path_id].append(rel)
        match = MODULE_FILE.match(name)
        if match:
            self.module_ids[path_id].append(match.group(2))
