"""content/brand/: the vendor's name, colours, logo and favicon, checked at load.

brand.yml names the files beside it; every colour pair the portal draws is checked for
WCAG 2.2 AA contrast (text 4.5:1), each failure naming the pair and its line.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict, parse_yaml
from portal.content.model import ContentProblem
from portal.content.model_brand import (
    DEFAULT_ON_PRIMARY,
    DEFAULT_PRIMARY,
    DEFAULT_PRIMARY_DARK,
    Brand,
)
from portal.content.svg_check import svg_problems

BRAND = "brand"
BRAND_FILE = "brand/brand.yml"
MAX_BRAND_FILE_BYTES = 256 * 1024  # a logo or a favicon; brand.yml is far smaller
NAME_MAX = 60
_KEYS_REQUIRED = ("name",)
_KEYS_OPTIONAL = ("logo", "favicon", "colours")
COLOUR_KEYS = ("primary", "primary_dark", "on_primary")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
FAVICON_TYPES = {".ico": "image/x-icon", ".png": "image/png", ".svg": "image/svg+xml"}
_MAGIC = {".ico": b"\x00\x00\x01\x00", ".png": b"\x89PNG\r\n\x1a\n"}

# The portal's own backgrounds the brand colours are drawn on (app.css --card and --bg).
WHITE = "#ffffff"
PAGE = "#f6f7f9"
TEXT_CONTRAST = 4.5  # WCAG 2.2 AA, 1.4.3: normal-size text

# (what the pair is, foreground, background): a key of `colours` or a fixed background.
CONTRAST_PAIRS = (
    ("links on cards", "primary", WHITE),
    ("links on the page", "primary", PAGE),
    ("hovered links", "primary_dark", WHITE),
    ("text on buttons", "on_primary", "primary"),
    ("text on hovered buttons", "on_primary", "primary_dark"),
)


def build_brand(
    report: Callable[[str, int, str], None], files: dict[str, bytes], vendor: str
) -> Brand:
    """The Brand from the files under brand/ (rel path -> bytes); defaults when there are none."""
    if not files:
        return Brand(name=vendor or "Partner")
    version = _version(files)
    for rel in files:
        if rel.count("/") != 1:
            report(rel, 1, "brand/ holds files only, no folders: move the file up into brand/")
    raw = files.get(BRAND_FILE)
    if raw is None:
        report(BRAND_FILE, 1, "missing brand/brand.yml: it names the vendor, logo and colours")
        return Brand(name=vendor or "Partner", version=version)
    src = Source(BRAND_FILE, [])
    brand = _read_brand_yml(src, raw, files, vendor, version)
    for problem in src.problems:
        report(problem.path, problem.line, problem.message)
    used = {BRAND_FILE} | {
        f"{BRAND}/{name}" for name in (brand.logo_name, brand.favicon_name) if name
    }
    for rel in sorted(set(files) - used) if brand.read else ():
        if rel.count("/") == 1:
            report(rel, 1, "this file is not used: name it in brand/brand.yml or remove it")
    return brand.value


@dataclass
class _Built:
    value: Brand
    logo_name: str | None = None
    favicon_name: str | None = None
    read: bool = True  # False: brand.yml itself was unusable, so which files it names is unknown


def _read_brand_yml(
    src: Source, raw: bytes, files: dict[str, bytes], vendor: str, version: str
) -> _Built:
    fallback = _Built(Brand(name=vendor or "Partner", version=version), read=False)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        src.report(1, "the file is not valid UTF-8 text")
        return fallback
    parsed = parse_yaml(text)
    for line, message in parsed.errors:
        src.report(line, message)
    if parsed.data is None:
        if not parsed.errors:
            src.report(1, "brand.yml is empty: it needs at least the vendor's name")
        return fallback
    root = f.mapping(src, parsed.data, "brand.yml", 1)
    if root is None:
        return fallback
    f.check_keys(src, root, "brand.yml", _KEYS_REQUIRED, _KEYS_OPTIONAL)
    name = _name(src, root) or vendor or "Partner"
    colours = _colours(src, root)
    logo_name = f.text(src, root, "logo", "brand.yml") or None
    logo = _svg_file(src, root, "logo", logo_name, files) if logo_name else None
    favicon_name = f.text(src, root, "favicon", "brand.yml") or None
    favicon, favicon_type = _favicon(src, root, favicon_name, files) if favicon_name else (None, "")
    brand = Brand(
        name=name,
        primary=colours.get("primary", DEFAULT_PRIMARY),
        primary_dark=colours.get("primary_dark", DEFAULT_PRIMARY_DARK),
        on_primary=colours.get("on_primary", DEFAULT_ON_PRIMARY),
        logo_svg=logo,
        favicon=favicon,
        favicon_type=favicon_type,
        version=version,
    )
    return _Built(brand, logo_name, favicon_name)


def _name(src: Source, root: LineDict) -> str:
    name = f.text(src, root, "name", "brand.yml")
    if "name" in root and not name:
        src.report(root.line_of("name"), "name must be the vendor's name, not empty")
    elif len(name) > NAME_MAX or any(ord(ch) < 32 for ch in name):
        src.report(
            root.line_of("name"),
            f"name must be one line of at most {NAME_MAX} characters (it heads every page)",
        )
        return ""
    return name


def _colours(src: Source, root: LineDict) -> dict[str, str]:
    """The colours brand.yml sets (normalised to #rrggbb), after checking each pair."""
    if "colours" not in root:
        return {}
    section = f.mapping(src, root["colours"], "'colours'", root.line_of("colours"))
    if section is None:
        return {}
    f.check_keys(src, section, "'colours'", (), COLOUR_KEYS)
    colours: dict[str, str] = {}
    for key in COLOUR_KEYS:
        if key not in section:
            continue
        value = section[key]
        if value is None:
            src.report(
                section.line_of(key),
                f"colour '{key}' is empty: write it in quotes, e.g. {key}: \"#0b5cad\" "
                "(in YAML an unquoted # starts a comment)",
            )
        elif not isinstance(value, str) or not _HEX.fullmatch(value.strip()):
            src.report(
                section.line_of(key),
                f"colour '{key}' must be a hex colour such as \"#0b5cad\", not {value!r}",
            )
        else:
            colours[key] = normalise_hex(value.strip())
    if len(colours) == sum(1 for key in COLOUR_KEYS if key in section):
        _check_contrast(src, section, colours)
    return colours


def _check_contrast(src: Source, section: LineDict, colours: dict[str, str]) -> None:
    defaults = {
        "primary": DEFAULT_PRIMARY,
        "primary_dark": DEFAULT_PRIMARY_DARK,
        "on_primary": DEFAULT_ON_PRIMARY,
    }
    effective = {**defaults, **colours}
    for what, fg_key, bg_key in CONTRAST_PAIRS:
        if fg_key not in colours and bg_key not in colours:
            continue  # both the portal's own colours: nothing the brand changed
        fg = effective[fg_key]
        bg = effective.get(bg_key, bg_key)
        ratio = contrast_ratio(fg, bg)
        if ratio < TEXT_CONTRAST:
            line = section.line_of(fg_key if fg_key in colours else bg_key)
            bg_name = bg_key if bg_key in COLOUR_KEYS else ("white" if bg == WHITE else "page")
            src.report(
                line,
                f"{what} ({fg_key} on {bg_name}) {fg} on {bg} is {_floor(ratio)}:1; "
                f"needs {TEXT_CONTRAST}:1 (WCAG 2.2 AA)",
            )


def normalise_hex(value: str) -> str:
    """`#abc` or `#AABBCC` as `#aabbcc`."""
    digits = value.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    digits = normalise_hex(colour)[1:]
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _floor(ratio: float) -> str:
    # Rounded down, so a failing 4.49 never reads as the 4.5 it needs.
    return f"{math.floor(ratio * 10) / 10:.1f}"


def _brand_file(
    src: Source, root: LineDict, key: str, name: str, files: dict[str, bytes]
) -> bytes | None:
    if "/" in name or name.startswith("."):
        src.report(root.line_of(key), f"'{key}' is a file name in brand/, not a path: {name!r}")
        return None
    data = files.get(f"{BRAND}/{name}")
    if data is None:
        src.report(root.line_of(key), f"'{key}' names brand/{name}, which does not exist")
    return data


def _svg_file(
    src: Source, root: LineDict, key: str, name: str, files: dict[str, bytes]
) -> bytes | None:
    if not name.lower().endswith(".svg"):
        src.report(root.line_of(key), f"'{key}' must be an SVG file (.svg), not {name!r}")
        return None
    data = _brand_file(src, root, key, name, files)
    if data is None:
        return None
    problems = svg_problems(data)
    for line, message in problems:
        src.problems.append(ContentProblem(f"{BRAND}/{name}", line, message))
    return None if problems else data


def _favicon(
    src: Source, root: LineDict, name: str, files: dict[str, bytes]
) -> tuple[bytes | None, str]:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in FAVICON_TYPES:
        src.report(
            root.line_of("favicon"),
            f"favicon must be .ico, .png or .svg, not {name!r}",
        )
        return None, ""
    if suffix == ".svg":
        return _svg_file(src, root, "favicon", name, files), FAVICON_TYPES[suffix]
    data = _brand_file(src, root, "favicon", name, files)
    if data is not None and not data.startswith(_MAGIC[suffix]):
        src.problems.append(
            ContentProblem(f"{BRAND}/{name}", 1, f"the file is not a {suffix[1:].upper()} image")
        )
        return None, ""
    return data, FAVICON_TYPES[suffix]


def _version(files: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for rel in sorted(files):
        hasher.update(f"{rel}\0{len(files[rel])}\0".encode())
        hasher.update(files[rel])
    return hasher.hexdigest()[:12]
