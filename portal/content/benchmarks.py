"""program.yml `benchmarks`: the direct-sales baseline /insights compares partner referrals with.

```yaml
benchmarks:
  direct_sales:
    stage_conversion:        # percent of deals that move on from a stage to the next one
      submitted: 60
      accepted: 72
    win_rate: 24             # percent of closed deals that were won
    median_days_to_close: 84
```

Every key is optional. Stages are the program's pipeline stages before `won` and `lost` (the
last open stage moves on to `won`); every problem is reported with its `path:line`.
"""

from __future__ import annotations

from portal.content import fields as f
from portal.content.fields import Source
from portal.content.frontmatter import LineDict
from portal.content.model import Benchmarks, DirectSalesBaseline

BENCHMARK_KEYS = ("direct_sales",)
DIRECT_SALES_KEYS = ("stage_conversion", "win_rate", "median_days_to_close")
MAX_DAYS_TO_CLOSE = 3650


def build_benchmarks(src: Source, root: LineDict, stages: tuple[str, ...]) -> Benchmarks:
    """The `benchmarks` section of program.yml (absent: no baseline)."""
    if "benchmarks" not in root:
        return Benchmarks()
    section = f.mapping(src, root["benchmarks"], "'benchmarks'", root.line_of("benchmarks"))
    if section is None:
        return Benchmarks()
    f.check_keys(src, section, "'benchmarks'", (), BENCHMARK_KEYS)
    if "direct_sales" not in section:
        return Benchmarks()
    what = "'benchmarks.direct_sales'"
    direct = f.mapping(src, section["direct_sales"], what, section.line_of("direct_sales"))
    if direct is None:
        return Benchmarks()
    f.check_keys(src, direct, what, (), DIRECT_SALES_KEYS)
    return Benchmarks(
        direct_sales=DirectSalesBaseline(
            stage_conversion=_stage_conversion(src, direct, stages),
            win_rate=_percent(src, direct, "win_rate", what),
            median_days_to_close=f.integer(
                src, direct, "median_days_to_close", what, minimum=1, maximum=MAX_DAYS_TO_CLOSE
            ),
        )
    )


def _stage_conversion(
    src: Source, direct: LineDict, stages: tuple[str, ...]
) -> tuple[tuple[str, float], ...]:
    if "stage_conversion" not in direct:
        return ()
    what = "'benchmarks.direct_sales.stage_conversion'"
    section = f.mapping(src, direct["stage_conversion"], what, direct.line_of("stage_conversion"))
    if section is None:
        return ()
    open_stages = stages[:-2]  # won and lost end the pipeline: nothing moves on from them
    found: dict[str, float] = {}
    for stage in section:
        if stage not in open_stages:
            src.report(
                section.line_of(stage),
                f"'{stage}' in {what} is not an open pipeline stage "
                f"(stages: {', '.join(open_stages)})",
            )
            continue
        percent = _percent(src, section, stage, what)
        if percent is not None:
            found[stage] = percent
    return tuple((stage, found[stage]) for stage in open_stages if stage in found)


def _percent(src: Source, data: LineDict, key: str, what: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        src.report(data.line_of(key), f"'{key}' in {what} must be a percent from 0 to 100")
        return None
    return float(value)
