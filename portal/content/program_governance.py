"""program.yml `governance`: the topics partners ask the partner team about.

```yaml
governance:
  topics:
    - id: commissions                   # a slug, unique, never reused (questions keep it)
      name: Commissions and payouts     # what partners pick and staff read
      group: Partner finance            # the staff group that owns the topic's queue
      first_response_hours: 8           # first-response SLA, same clock as referrals
```

The whole section is optional (no topics: partners cannot ask yet); every problem is reported
with its `path:line`.
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model import Governance, QuestionTopic

GOVERNANCE_KEYS = ("topics",)
TOPIC_KEYS = ("id", "name", "group", "first_response_hours")
MAX_RESPONSE_HOURS = 24 * 30


def build_governance(src: Source, root: LineDict) -> Governance:
    """The `governance` section of program.yml (absent: no topics)."""
    if "governance" not in root:
        return Governance()
    section = f.mapping(src, root["governance"], "'governance'", root.line_of("governance"))
    if section is None:
        return Governance()
    f.check_keys(src, section, "'governance'", ("topics",), GOVERNANCE_KEYS)
    items = f.item_list(src, section, "topics", "'governance'")
    if items is None:
        return Governance()
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
    return Governance(topics=tuple(topics))
