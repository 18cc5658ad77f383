"""The learning feature's public door: what other features may import from it.

Certificates (issued, expiring, revoked) live in certificates.py; a person's progress through a
path in progress.py. Other features read them only through these functions.
"""

from __future__ import annotations

from portal.learning.certificates import (
    certifications_for_org,
    certifications_for_user,
    certified_organizations,
    org_has_valid_certification,
    orgs_with_valid_certification,
)
from portal.learning.content_history import learner_history
from portal.learning.counts import certified_people_by_path
from portal.learning.progress import PathProgress, next_module_for, paths_progress

__all__ = [
    "PathProgress",
    "certifications_for_org",
    "certifications_for_user",
    "certified_organizations",
    "certified_people_by_path",
    "learner_history",
    "next_module_for",
    "org_has_valid_certification",
    "orgs_with_valid_certification",
    "paths_progress",
]
