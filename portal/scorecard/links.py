"""Where each scorecard figure drills down to: the partner's own pages, or the staff lists
filtered to the organisation. Keys are the row keys of portal.scorecard.table (and
`stage:<status>` for the open pipeline).
"""

from __future__ import annotations

from flask import url_for

__all__ = ["partner_links", "staff_links"]


def partner_links() -> dict[str, str]:
    """Links to the partner's own pages."""
    referrals = url_for("referrals.index")
    earnings = url_for("earnings.index")
    return {
        "people": url_for("accounts.team"),
        "invited": url_for("accounts.team"),
        "certificates": url_for("learning.certificates"),
        "modules": url_for("learning.paths"),
        "downloads": url_for("kits.library"),
        "views": url_for("playbooks.library"),
        **dict.fromkeys(
            ("submitted", "accepted", "won_of_submitted", "won", "lost", "won_value", "pipeline"),
            referrals,
        ),
        "earned": earnings,
        "paid": earnings,
        "questions_asked": url_for("questions.index"),
    }


def staff_links(org_id: int) -> dict[str, str]:
    """Links to the staff pages, filtered to the organisation where the page can be."""

    def inbox(status: str) -> str:
        return url_for("inbox.index", organization_id=org_id, status=status)

    organization = url_for("staff.org", org_id=org_id)
    return {
        "people": organization,
        "invited": organization,
        "certificates": organization,
        "modules": organization,
        "submitted": inbox("all"),
        "accepted": inbox("all"),
        "won_of_submitted": inbox("won"),
        "won": inbox("won"),
        "won_value": inbox("won"),
        "lost": inbox("lost"),
        "pipeline": inbox("open"),
        "median_response": inbox("all"),
        "sla": inbox("all"),
        "earned": url_for("inbox_commissions.index"),
        "paid": url_for("inbox_commissions.index", status="paid"),
    }
