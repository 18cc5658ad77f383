"""A realistic customer-list CSV for the import benchmark.

What a CRM export looks like: a header `name,website,owner,country`; company names from word
lists with legal forms; websites in every form people paste (bare domain, `www.`, `https://`,
a shop subdomain, a path, upper case); registrable domains under many public suffixes (`.com`,
`.co.uk`, `.com.au`, `.co.jp`, private suffixes such as `.myshopify.com`), some of them
internationalised (`bücher.de`); and some companies listed twice in another form, which the
import counts as repeated.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

# Suffix and its weight: most customers are .com, then the countries the program sells in.
SUFFIXES = (
    ("com", 40), ("co.uk", 8), ("de", 7), ("fr", 4), ("io", 4), ("nl", 3), ("com.au", 3),
    ("ca", 3), ("co.jp", 2), ("com.br", 2), ("es", 2), ("it", 2), ("ch", 2), ("se", 2),
    ("net", 3), ("org", 2), ("co.nz", 1), ("com.mx", 1), ("co.in", 1), ("pl", 1), ("be", 1),
    ("at", 1), ("dk", 1), ("ie", 1), ("myshopify.com", 1), ("github.io", 1),
)  # fmt: skip
_WORD_A = (
    "Birch", "Harbor", "Summit", "Copper", "Meadow", "Granite", "Silver", "Falcon", "Cedar",
    "Northern", "Blue", "River", "Pine", "Atlas", "Beacon", "Crescent", "Willow", "Iron", "Oak",
    "Maple", "Stone", "Lakeside", "Bright", "Golden", "Red", "Coastal", "Prairie", "Highland",
    "Eastern", "Western", "Alpine", "Amber", "Aspen", "Bay", "Bison", "Canyon", "Clover", "Coral",
    "Delta", "Ember", "Fern", "Fjord", "Forge", "Glacier", "Harvest", "Heron", "Juniper",
    "Kestrel", "Lantern", "Linden", "Lotus", "Marble", "Mesa", "Nimbus", "Orchid", "Pebble",
    "Quarry", "Raven", "Ridge", "Sage", "Sequoia", "Spruce", "Tidal", "Tundra", "Vale", "Vertex",
    "Zephyr",
)  # fmt: skip
_WORD_B = (
    "Logistics", "Analytics", "Dental", "Foods", "Freight", "Labs", "Health", "Hotels",
    "Insurance", "Legal", "Marine", "Manufacturing", "Media", "Motors", "Packaging", "Payments",
    "Pharma", "Property", "Retail", "Software", "Solar", "Systems", "Textiles", "Travel", "Water",
    "Wellness", "Robotics", "Brewing", "Energy", "Finance", "Bakery", "Clinic", "Consulting",
    "Design", "Farms", "Fitness", "Garden", "Hardware", "Imaging", "Kitchens", "Metals", "Optics",
    "Outdoor", "Printing", "Security", "Studios", "Tools", "Toys", "Ventures", "Wines", "Works",
)  # fmt: skip
_UMLAUT = ("Bücher", "Müller", "Straße", "Café", "Größe", "Öko", "Société", "Zürich")
_LEGAL = ("", "", " Inc", " Ltd", " GmbH", " LLC", " S.A.", " Group", " plc", " B.V.", " AB")
_OWNERS = ("Sam Carter", "Priya Nair", "Jonas Weber", "Ana Souza", "Li Wei", "")
_COUNTRIES = ("US", "GB", "DE", "FR", "NL", "AU", "CA", "JP", "BR", "ES", "IT", "CH", "SE")


@dataclass(frozen=True)
class CustomerFile:
    """The CSV text, and what importing it into an empty list must give."""

    text: str
    rows: int
    unique_domains: int


def customer_csv(rows: int, seed: int, repeat_share: float = 0.05) -> CustomerFile:
    """`rows` customer lines (plus the header); about `repeat_share` of them repeat a company."""
    rng = random.Random(seed)
    suffixes = [suffix for suffix, _ in SUFFIXES]
    weights = [weight for _, weight in SUFFIXES]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "website", "owner", "country"])
    listed: list[tuple[str, str, str]] = []  # (name, label, suffix) of companies written
    seen: set[tuple[str, str]] = set()
    serial = 0
    for _ in range(rows):
        if listed and rng.random() < repeat_share:
            name, label, suffix = rng.choice(listed)  # the same company, written another way
        else:
            name, label, suffix = _new_company(rng, suffixes, weights)
            serial += 1
            if (label, suffix) in seen:  # the word pairs run out: number the company apart
                label = f"{label}{serial}"
            seen.add((label, suffix))
            listed.append((name, label, suffix))
        website = _website(rng, label, suffix)
        writer.writerow([name, website, rng.choice(_OWNERS), rng.choice(_COUNTRIES)])
    return CustomerFile(out.getvalue(), rows, len(seen))


def _new_company(
    rng: random.Random, suffixes: list[str], weights: list[int]
) -> tuple[str, str, str]:
    first = rng.choice(_UMLAUT) if rng.random() < 0.02 else rng.choice(_WORD_A)
    second = rng.choice(_WORD_B)
    name = f"{first} {second}{rng.choice(_LEGAL)}"
    label = f"{first}{second}".lower() if rng.random() < 0.5 else f"{first}-{second}".lower()
    return name, label, rng.choices(suffixes, weights)[0]


def _website(rng: random.Random, label: str, suffix: str) -> str:
    domain = f"{label}.{suffix}"
    form = rng.random()
    if form < 0.35:
        return domain
    if form < 0.6:
        return f"https://www.{domain}/"
    if form < 0.75:
        return f"www.{domain}"
    if form < 0.85:
        return f"http://shop.{domain}/products?ref=crm"
    if form < 0.95 and domain.isascii():  # "ß".upper() is "SS": another domain
        return f"https://{domain.upper()}"
    return f"https://eu.{domain}/about-us"
