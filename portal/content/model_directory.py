"""The `directory` section of program.yml as immutable values (parsed by program_directory.py):
the terms a public directory profile may name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DirectoryTerm:
    """An industry, service or language a directory profile may name (program.yml)."""

    id: str
    name: str


@dataclass(frozen=True)
class DirectoryCountry:
    """A country a partner may serve, in one of the program's regions."""

    id: str
    name: str
    region: str


@dataclass(frozen=True)
class DirectoryTaxonomy:
    """program.yml `directory`: the terms of the public partner directory's profiles."""

    industries: tuple[DirectoryTerm, ...] = ()
    services: tuple[DirectoryTerm, ...] = ()
    languages: tuple[DirectoryTerm, ...] = ()
    countries: tuple[DirectoryCountry, ...] = ()
