"""Every feature's models, imported in one place so the metadata (and Alembic) sees them all."""

from portal.accounts.models import Invite, Organization, PasswordReset, User
from portal.api.models import ApiToken
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
from portal.scorecard import indexes as _scorecard_indexes  # noqa: F401  (indexes on these tables)
from portal.scorecard.models import ProgramQuarter
from portal.staff.models import Meeting
from portal.tiers import indexes as _tier_indexes  # noqa: F401  (an index on referrals)
from portal.tiers.models import (
    AttestedFactRecord,
    TierEvaluationRun,
    TierHistoryEntry,
    TierReview,
    TierStatus,
)

__all__ = [
    "ActivityEvent",
    "ApiToken",
    "AttestedFactRecord",
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
    "ProgramQuarter",
    "QuizAttempt",
    "Referral",
    "ReferralEvent",
    "TierEvaluationRun",
    "TierHistoryEntry",
    "TierReview",
    "TierStatus",
    "User",
]
