"""program.yml `governance`: who answers partners, and how fast.

```yaml
governance:
  approval_hours: 72                    # a co-marketing piece is reviewed within this many hours
  topics:
    - id: commissions                   # a slug, unique, never reused (questions keep it)
      name: Commissions and payouts     # what partners pick and staff read
      group: Partner finance            # the staff group that owns the topic's queue
      first_response_hours: 8           # first-response SLA, same clock as referrals
```

The whole section is optional, and so is each key: no topics, partners cannot ask yet; no
`approval_hours`, the default below. The SLAs are elapsed time, counted like the referrals'
first response. Every problem is reported with its `path:line`.
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model_governance import Governance, QuestionTopic

GOVERNANCE_KEYS = ("approval_hours", "topics")
TOPIC_KEYS = ("id", "name", "group", "first_response_hours")
MAX_RESPONSE_HOURS = 24 * 30
DEFAULT_APPROVAL_HOURS = Governance().approval_hours
MAX_APPROVAL_HOURS = 24 * 90  # a quarter: past that it is no SLA


def build_governance(src: Source, root: LineDict) -> Governance:
    """The `governance` section of program.yml (absent: no topics, the default review SLA)."""
    if "governance" not in root:
        return Governance()
    what = "'governance'"
    section = f.mapping(src, root["governance"], what, root.line_of("governance"))
    if section is None:
        return Governance()
    f.check_keys(src, section, what, (), GOVERNANCE_KEYS)
    approval_hours = f.integer(
        src,
        section,
        "approval_hours",
        what,
        minimum=1,
        maximum=MAX_APPROVAL_HOURS,
        default=DEFAULT_APPROVAL_HOURS,
    )
    topics = _topics(src, section) if "topics" in section else ()
    return Governance(
        topics=topics,
        approval_hours=approval_hours if approval_hours is not None else DEFAULT_APPROVAL_HOURS,
    )


def _topics(src: Source, section: LineDict) -> tuple[QuestionTopic, ...]:
    items = f.item_list(src, section, "topics", "'governance'")
    if items is None:
        return ()
    if not items:
        src.report(section.line_of("topics"), "'topics' in 'governance' needs at least one topic")
    seen: dict[str, int] = {}
    topics = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        entry = f.mapping(src, item, "each governance topic", line)
        if entry is None:
            continue
        what = "a governance topic"
        f.check_keys(src, entry, what, TOPIC_KEYS, ())
        topic_id = f.slug(src, entry, "id", what)
        f.unique(src, seen, topic_id, line, "governance topic id")
        hours = f.integer(
            src, entry, "first_response_hours", what, minimum=1, maximum=MAX_RESPONSE_HOURS
        )
        name = f.text(src, entry, "name", what)
        group = f.text(src, entry, "group", what)
        if topic_id is not None and hours is not None and name and group:
            topics.append(
                QuestionTopic(id=topic_id, name=name, group=group, first_response_hours=hours)
            )
    return tuple(topics)
