"""The onboarding feature's public door: an organisation's checklist, step by step.

Onboarding activates an organisation through `portal.accounts.api` once its checklist is done;
other features only read the checklist's state.
"""

from __future__ import annotations

from portal.onboarding.service import ChecklistState, StepState, checklist_for

__all__ = ["ChecklistState", "StepState", "checklist_for"]
