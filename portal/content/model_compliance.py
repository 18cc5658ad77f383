"""program.yml `compliance` as immutable values: the documents each partner type must keep on
file (a tax form, an insurance certificate), parsed by portal/content/program_compliance.py."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_REMINDER_DAYS = 30


@dataclass(frozen=True)
class ComplianceDocumentType:
    """A document partners upload and the partner team reviews.

    `partner_types` empty means every type must keep it. A document that `expires` gets an
    expiry date when it is approved (staff choose it; `valid_days` from the approval suggests
    one); its partner admins are reminded `reminder_days` before that day and on it.
    """

    id: str
    name: str
    description: str = ""
    partner_types: tuple[str, ...] = ()
    expires: bool = True
    valid_days: int | None = None
    reminder_days: int = DEFAULT_REMINDER_DAYS

    def applies_to(self, partner_type: str) -> bool:
        """True when organisations of this partner type must keep the document on file."""
        return not self.partner_types or partner_type in self.partner_types


@dataclass(frozen=True)
class ComplianceRules:
    """Every compliance document the program asks for (none: the section is absent)."""

    documents: tuple[ComplianceDocumentType, ...] = ()

    def document(self, type_id: str) -> ComplianceDocumentType | None:
        return next((d for d in self.documents if d.id == type_id), None)

    def document_name(self, type_id: str) -> str:
        """The document's name; its id when the program no longer lists it."""
        found = self.document(type_id)
        return found.name if found is not None else type_id

    def required_for(self, partner_type: str) -> tuple[ComplianceDocumentType, ...]:
        """The documents an organisation of this partner type must keep current."""
        return tuple(d for d in self.documents if d.applies_to(partner_type))
