"""What referrals tell other systems (webhooks) about a change, through portal.outbound_events.

`announce_event` is called by `add_event` for every timeline event, inside the transaction
of the change, so the webhook is recorded exactly when the change commits. It publishes:

- `referral.submitted` for the submission;
- `referral.stage_changed` whenever the status changes (accepted, rejected, a pipeline
  stage, and won or lost too, so a CRM mirroring stages needs only this one);
- `referral.won` / `referral.lost` besides, for a close;
- `commission.approved` / `commission.paid` (from commission_lifecycle, with the amount).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.outbound_events import publish_event
from portal.referrals.models import Commission, Referral

__all__ = ["announce_commission", "announce_event", "referral_data"]

_CLOSING = {"won": "referral.won", "lost": "referral.lost"}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds").replace("+00:00", "Z")


def referral_data(referral: Referral) -> dict[str, Any]:
    """The referral as a webhook carries it (what the staff API shows, without notes)."""
    return {
        "reference": referral.reference,
        "organization_id": referral.organization_id,
        "status": referral.status,
        "company_name": referral.company_name,
        "company_website": referral.company_website,
        "contact_name": referral.contact_name,
        "contact_email": referral.contact_email,
        "contact_role": referral.contact_role,
        "region": referral.region,
        "estimated_value_minor": referral.estimated_value_minor,
        "estimated_currency": referral.estimated_currency,
        "deal_value_minor": referral.deal_value_minor,
        "deal_currency": referral.deal_currency,
        "submitted_at": _time(referral.submitted_at),
        "closed_at": _time(referral.closed_at),
    }


def announce_event(
    referral: Referral, kind: str, from_status: str | None, to_status: str | None, now: datetime
) -> None:
    """Publish the webhook events a timeline event of this kind means (none for most)."""
    if kind == "submitted":
        publish_event("referral.submitted", {"referral": referral_data(referral)})
        return
    if to_status is None or from_status is None or to_status == from_status:
        return
    change = {
        "referral": referral_data(referral),
        "from_status": from_status,
        "to_status": to_status,
        "changed_at": _time(now),
    }
    publish_event("referral.stage_changed", change)
    if kind in _CLOSING:
        publish_event(_CLOSING[kind], change)


def announce_commission(event_type: str, commission: Commission) -> None:
    """Publish commission.approved or commission.paid."""
    publish_event(
        event_type,
        {
            "commission": {
                "referral": commission.referral.reference,
                "organization_id": commission.organization_id,
                "status": commission.status,
                "amount_minor": commission.amount_minor,
                "currency": commission.currency,
                "deal_value_minor": commission.deal_value_minor,
                "approved_at": _time(commission.approved_at),
                "paid_at": _time(commission.paid_at),
            }
        },
    )
