"""program.yml `governance`: how the partner team answers what partners submit for approval.

```yaml
governance:
  approval_hours: 72   # a co-marketing piece is reviewed within this many hours (its SLA)
```

Every key is optional (absent: the default below). The SLA is elapsed time, counted like the
referrals' first response (`sla.first_response_hours`). Problems are reported with `path:line`.
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model import GovernanceApprovals

GOVERNANCE_KEYS = ("approval_hours",)
DEFAULT_APPROVAL_HOURS = GovernanceApprovals().approval_hours
MAX_APPROVAL_HOURS = 24 * 90  # a quarter: past that it is no SLA


def build_governance_approvals(src: Source, root: LineDict) -> GovernanceApprovals:
    """The approval SLA from the `governance` section of program.yml (absent: the default)."""
    if "governance" not in root:
        return GovernanceApprovals()
    what = "'governance'"
    section = f.mapping(src, root["governance"], what, root.line_of("governance"))
    if section is None:
        return GovernanceApprovals()
    f.check_keys(src, section, what, (), GOVERNANCE_KEYS)
    return GovernanceApprovals(
        approval_hours=f.integer(
            src,
            section,
            "approval_hours",
            what,
            minimum=1,
            maximum=MAX_APPROVAL_HOURS,
            default=DEFAULT_APPROVAL_HOURS,
        )
    )
