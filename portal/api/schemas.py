"""The API's schemas, declared once: they validate requests and write the OpenAPI document.

Lengths and numbers are bounded here, before the referral form's own rules (which the create
operation then runs unchanged: portal.referrals.api.ReferralForm) ever read a value.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from portal.ids import ID_MAX
from portal.money import MAX_MINOR
from portal.patterns import AMOUNT_MAX_LENGTH
from portal.referrals.api import (
    COMPANY_NAME_MAX,
    CONTACT_NAME_MAX,
    CUSTOMER_BATCH_MAX,
    CUSTOMER_DOMAIN_INPUT_MAX,
    EMAIL_MAX,
    INVOLVEMENTS,
    MESSAGE_MAX,
    NEED_MAX,
    PHONE_MAX,
    REASON_MAX,
    ROLE_MAX,
    TIMINGS,
    WEBSITE_MAX,
)

PAGE_MAX = 100
# The longest period, type, tier or region /insights reads (portal.insights.scope.ARG_MAX).
INSIGHTS_ARG_MAX = 100
# Keys an integration makes up: letters, digits and - _ . : (a UUID fits).
IDEMPOTENCY_HEADER_MAX = 64
IDEMPOTENCY_HEADER_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
STATUS_MAX = 40
# The longest query value any argument needs (an ISO 8601 instant with its offset is ~32).
ARG_TEXT_MAX = 40


class ProblemSchema(Schema):
    """An RFC 9457 problem document."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "Field errors, by location and field"})


class JsonBody(Schema):
    """A request body: no NUL in any text."""

    @pre_load
    def _no_nul(self, data: Any, **kwargs: Any) -> Any:
        # The portal refuses NUL in every form and query (portal/http.py); PostgreSQL would
        # refuse it with an error. Lengths are checked by each field before the form reads it.
        if isinstance(data, dict):
            for name, value in data.items():
                if isinstance(value, str) and "\x00" in value:
                    raise ValidationError("This character is not allowed.", str(name)[:40])
        return data


class NoteSchema(JsonBody):
    message = fields.String(required=True, validate=validate.Length(1, MESSAGE_MAX))


class OwnerSchema(JsonBody):
    owner_email = fields.String(
        required=True,
        validate=validate.Length(1, EMAIL_MAX),
        metadata={"description": "An active member of the partner team"},
    )


def _deal_value_minor(
    description: str = "Minor units (cents) of the program currency", required: bool = False
) -> fields.Integer:
    return fields.Integer(
        strict=True,
        required=required,
        validate=validate.Range(1, MAX_MINOR),
        metadata={"description": description, "example": 4800000},
    )


def _currency() -> fields.String:
    return fields.String(
        validate=validate.Length(3, 3),
        metadata={"description": "The program currency (the default)", "example": "EUR"},
    )


class DealValueSchema(JsonBody):
    deal_value_minor = _deal_value_minor(required=True)
    currency = _currency()


class OutcomeSchema(JsonBody):
    """Won (with its deal value unless one was recorded) or lost (with a reason)."""

    outcome = fields.String(required=True, validate=validate.OneOf(["won", "lost"]))
    reason = fields.String(
        load_default="",
        validate=validate.Length(0, REASON_MAX),
        metadata={"description": "Lost: required, the partner sees it. Won: an optional note"},
    )
    deal_value_minor = _deal_value_minor("Won: minor units; leave out to use the recorded value")
    currency = _currency()

    @validates_schema
    def _value_only_when_won(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("outcome") == "lost" and "deal_value_minor" in data:
            raise ValidationError("Only a won referral takes a deal value.", "deal_value_minor")


class ReferralCreateSchema(JsonBody):
    """A new referral: the referral form's fields, checked by the same rules."""

    company_name = fields.String(required=True, validate=validate.Length(1, COMPANY_NAME_MAX))
    company_website = fields.String(load_default="", validate=validate.Length(0, WEBSITE_MAX))
    contact_name = fields.String(required=True, validate=validate.Length(1, CONTACT_NAME_MAX))
    contact_email = fields.String(required=True, validate=validate.Length(1, EMAIL_MAX))
    contact_phone = fields.String(load_default="", validate=validate.Length(0, PHONE_MAX))
    contact_role = fields.String(required=True, validate=validate.Length(1, ROLE_MAX))
    region = fields.String(
        required=True,
        validate=validate.Length(1, 100),
        metadata={"description": "One of the program's regions"},
    )
    estimated_value = fields.String(
        required=True,
        validate=validate.Length(1, AMOUNT_MAX_LENGTH),
        metadata={"description": "A decimal amount such as 48000 or 48000.50", "example": "48000"},
    )
    estimated_currency = fields.String(
        required=True, validate=validate.Length(3, 3), metadata={"example": "EUR"}
    )
    expected_timing = fields.String(required=True, validate=validate.OneOf(list(TIMINGS)))
    customer_need = fields.String(required=True, validate=validate.Length(1, NEED_MAX))
    involvement = fields.String(required=True, validate=validate.OneOf(list(INVOLVEMENTS)))
    consent = fields.Boolean(
        required=True,
        validate=validate.Equal(True),
        metadata={"description": "The contact agreed to be introduced"},
    )


class BoundedArgs(Schema):
    """Query arguments: every value measured before any field parses it."""

    @pre_load
    def _bounded(self, data: Any, **kwargs: Any) -> Any:
        for name in self.fields:
            for value in data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]:
                if isinstance(value, str) and len(value) > ARG_TEXT_MAX:
                    raise ValidationError(f"At most {ARG_TEXT_MAX} characters.", name)
        return data


class ReferralListArgs(BoundedArgs):
    """Filters and the cursor of the referral list."""

    after = fields.Integer(
        validate=validate.Range(1, ID_MAX),
        metadata={"description": "The cursor: next_cursor of the previous page"},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(1, PAGE_MAX))
    status = fields.String(validate=validate.Length(1, STATUS_MAX))
    organization_id = fields.Integer(
        validate=validate.Range(1, ID_MAX),
        metadata={"description": "Staff tokens: one organisation's referrals"},
    )
    updated_since = fields.AwareDateTime(
        metadata={"description": "Only referrals changed at or after this instant (ISO 8601)"},
    )


class IdempotencyHeader(Schema):
    idempotency_key = fields.String(
        required=True,
        data_key="Idempotency-Key",
        validate=validate.Regexp(IDEMPOTENCY_HEADER_PATTERN),
        metadata={"description": "The same key returns the referral it created the first time"},
    )


class EventSchema(Schema):
    kind = fields.String(required=True)
    title = fields.String(required=True)
    message = fields.String(required=True)
    to_status = fields.String(allow_none=True)
    partner_visible = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class ReferralSchema(Schema):
    reference = fields.String(required=True, metadata={"example": "R-000123"})
    organization_id = fields.Integer(required=True)
    status = fields.String(required=True)
    stage = fields.String(required=True, metadata={"description": "The status as people read it"})
    company_name = fields.String(required=True)
    company_website = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_email = fields.String(required=True)
    contact_phone = fields.String(required=True)
    contact_role = fields.String(required=True)
    region = fields.String(required=True)
    estimated_value_minor = fields.Integer(required=True)
    estimated_currency = fields.String(required=True)
    expected_timing = fields.String(required=True)
    involvement = fields.String(required=True)
    customer_need = fields.String(required=True)
    owner_first_name = fields.String(allow_none=True)
    owner_email = fields.String(
        allow_none=True, metadata={"description": "Staff tokens only (null for partners)"}
    )
    deal_value_minor = fields.Integer(allow_none=True)
    deal_currency = fields.String(allow_none=True)
    submitted_at = fields.DateTime(required=True)
    first_response_due_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    last_changed_at = fields.DateTime(
        required=True, metadata={"description": "Its latest timeline event (for sync)"}
    )


class ReferralDetailSchema(ReferralSchema):
    timeline = fields.List(
        fields.Nested(EventSchema),
        required=True,
        metadata={"description": "Partner tokens see the partner-visible events only"},
    )


class ReferralPageSchema(Schema):
    items = fields.List(fields.Nested(ReferralSchema), required=True)
    next_cursor = fields.Integer(
        allow_none=True, required=True, metadata={"description": "Pass as `after`; null: last"}
    )


class CommissionSchema(Schema):
    referral = fields.String(required=True, metadata={"example": "R-000123"})
    company_name = fields.String(required=True)
    status = fields.String(required=True)
    amount_minor = fields.Integer(required=True)
    currency = fields.String(required=True)
    deal_value_minor = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    approved_at = fields.DateTime(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)


class CertificationSchema(Schema):
    id = fields.Integer(required=True)
    holder_name = fields.String(required=True)
    path_id = fields.String(required=True)
    certificate_name = fields.String(required=True)
    code = fields.String(required=True)
    issued_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(allow_none=True)
    revoked = fields.Boolean(required=True)


class OrganizationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    partner_type = fields.String(required=True)
    tier = fields.String(required=True)
    status = fields.String(required=True)
    region = fields.String(allow_none=True)
    website = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    activated_at = fields.DateTime(allow_none=True)


class OrganizationListArgs(BoundedArgs):
    after = fields.Integer(validate=validate.Range(1, ID_MAX))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, PAGE_MAX))


class OrganizationPageSchema(Schema):
    items = fields.List(fields.Nested(OrganizationSchema), required=True)
    next_cursor = fields.Integer(allow_none=True, required=True)


class CustomerRowSchema(JsonBody):
    domain = fields.String(
        required=True,
        validate=validate.Length(1, CUSTOMER_DOMAIN_INPUT_MAX),
        metadata={
            "description": "The domain or website: the key, normalised as the CSV upload does",
            "example": "northwind-traders.com",
        },
    )
    # Bounded before the upload's own rule (at most CUSTOMER_NAME_MAX once trimmed) reads it.
    name = fields.String(
        load_default="",
        validate=validate.Length(0, CUSTOMER_DOMAIN_INPUT_MAX),
        metadata={"description": "Blank keeps a listed customer's name", "example": "Northwind"},
    )


class CustomerBatchSchema(JsonBody):
    customers = fields.List(
        fields.Nested(CustomerRowSchema),
        required=True,
        validate=validate.Length(1, CUSTOMER_BATCH_MAX),
        metadata={"description": f"1 to {CUSTOMER_BATCH_MAX} customers"},
    )


class CustomerUpsertSchema(Schema):
    index = fields.Integer(required=True, metadata={"description": "The row's position, from 0"})
    domain = fields.String(required=True, metadata={"description": "Normalised: the key"})
    name = fields.String(required=True)
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(["added", "renamed", "unchanged", "repeated"]),
        metadata={"description": "repeated: an earlier row of the batch named the same domain"},
    )


class CustomerBatchResultSchema(Schema):
    added = fields.Integer(required=True)
    renamed = fields.Integer(required=True)
    unchanged = fields.Integer(required=True, metadata={"description": "Repeated rows included"})
    customers = fields.List(fields.Nested(CustomerUpsertSchema), required=True)


class InsightsArgs(Schema):
    """The period and filters of /insights; each value bounded before the page's parser reads it."""

    period = fields.String(
        validate=validate.Length(1, INSIGHTS_ARG_MAX),
        metadata={
            "description": 'Days ("30", "90", "365") or a quarter ("2026-Q3"); 90 if left out'
        },
    )
    type = fields.String(
        validate=validate.Length(1, INSIGHTS_ARG_MAX),
        metadata={"description": "A partner type id of the program"},
    )
    tier = fields.String(
        validate=validate.Length(1, INSIGHTS_ARG_MAX), metadata={"description": "A tier id"}
    )
    region = fields.String(
        validate=validate.Length(1, INSIGHTS_ARG_MAX), metadata={"description": "A region"}
    )


class WindowSchema(Schema):
    start = fields.DateTime(required=True)
    end = fields.DateTime(required=True, metadata={"description": "Exclusive"})


class InsightsSchema(Schema):
    period = fields.String(required=True, metadata={"example": "90"})
    period_label = fields.String(required=True)
    current = fields.Nested(WindowSchema, required=True)
    previous = fields.Nested(
        WindowSchema, required=True, metadata={"description": "What changes are measured against"}
    )
    filters = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The filters applied (type, tier, region); none: everything"},
    )
    computed_at = fields.DateTime(required=True)
    live = fields.Boolean(
        required=True, metadata={"description": "Computed for this request (no snapshot yet)"}
    )
    stale = fields.Boolean(
        required=True, metadata={"description": "The hourly snapshot is more than a day old"}
    )
    figures = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={"description": "The page's figures by section, as /insights shows them"},
    )
