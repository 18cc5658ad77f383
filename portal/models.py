"""Every feature's models, imported in one place so the metadata (and Alembic) sees them all."""

from portal.accounts.models import Invite, Organization, PasswordReset, User
from portal.audit.models import ActivityEvent, AuditEntry
from portal.insights.models import InsightSnapshot
from portal.learning.models import Certification, ModuleCompletion, QuizAttempt
from portal.notify.models import OutboxMessage
from portal.onboarding.models import ChecklistProgress
from portal.referrals.models import (
    Commission,
    CommissionDispute,
    CompanyRegistration,
    Customer,
    Referral,
    ReferralEvent,
)
from portal.staff.models import Meeting

__all__ = [
    "ActivityEvent",
    "AuditEntry",
    "Certification",
    "ChecklistProgress",
    "Commission",
    "CommissionDispute",
    "CompanyRegistration",
    "Customer",
    "InsightSnapshot",
    "Invite",
    "Meeting",
    "ModuleCompletion",
    "Organization",
    "OutboxMessage",
    "PasswordReset",
    "QuizAttempt",
    "Referral",
    "ReferralEvent",
    "User",
]
