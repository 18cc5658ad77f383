"""What a lead is made of, checked the same way for the staff form, a CSV row and the directory.

Every value is measured before anything else reads it (portal/bounds.py's rule); the country
is an ISO 3166 code and places the lead in a program region (program.yml
`leads.country_regions`) unless the region is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from email_validator import EmailNotValidError, validate_email

from portal.content.countries import countries
from portal.content.model_leads import LeadRules

COMPANY_MAX = 200
WEBSITE_MAX = 300
CONTACT_NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
REGION_MAX = 100
CHOICE_MAX = 100
NEED_MAX = 2000
REASON_MAX = 500


@dataclass(frozen=True)
class LeadInput:
    """A lead's fields as typed: company, contact, where, what and why."""

    company: str
    contact_name: str
    contact_email: str
    country: str
    website: str = ""
    contact_phone: str = ""
    region: str = ""
    industry: str = ""
    size: str = ""
    need: str = ""


_BOUNDS = {
    "company": COMPANY_MAX,
    "contact_name": CONTACT_NAME_MAX,
    "contact_email": EMAIL_MAX,
    "country": 2,
    "website": WEBSITE_MAX,
    "contact_phone": PHONE_MAX,
    "region": REGION_MAX,
    "industry": CHOICE_MAX,
    "size": CHOICE_MAX,
    "need": NEED_MAX,
}
REQUIRED = ("company", "contact_name", "contact_email", "country")


def clean(
    data: LeadInput, rules: LeadRules, regions: tuple[str, ...]
) -> tuple[LeadInput, list[str]]:
    """The input tidied (spaces trimmed, country upper-cased, region placed) and its problems."""
    problems: list[str] = []
    values = {
        name: " ".join(str(getattr(data, name)).split()) for name in _BOUNDS if name != "need"
    }
    values["need"] = str(data.need).strip()
    for name, limit in _BOUNDS.items():
        if len(values[name]) > limit:
            problems.append(f"{name.replace('_', ' ')} is longer than {limit} characters")
            values[name] = ""
    for name in REQUIRED:
        if not values[name] and not any(p.startswith(name.replace("_", " ")) for p in problems):
            problems.append(f"{name.replace('_', ' ')} is missing")
    values["country"] = values["country"].upper()
    if values["country"] and values["country"] not in countries():
        problems.append(f"country {values['country']!r} is not an ISO 3166 code such as DE")
    if values["contact_email"]:
        try:
            values["contact_email"] = validate_email(
                values["contact_email"], check_deliverability=False
            ).normalized
        except EmailNotValidError:
            problems.append("contact email is not an e-mail address")
    if not values["region"]:
        values["region"] = rules.region_of(values["country"])
    if values["region"] and values["region"] not in regions:
        problems.append(f"region {values['region']!r} is not one of the program's regions")
    if values["industry"] and rules.industries and values["industry"] not in rules.industries:
        problems.append(f"industry {values['industry']!r} is not one of the program's industries")
    if values["size"] and values["size"] not in rules.sizes:
        problems.append(f"size {values['size']!r} is not one of {', '.join(rules.sizes)}")
    return replace(data, **values), problems
