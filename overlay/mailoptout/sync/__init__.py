"""Keep opt-outs in sync across providers by reconciliation: every run lists both sides into
the mirror, writes what the target is missing, lists the target again, and names what is still
missing.

>>> async with AsyncNcpMailer() as ncp, AsyncEngageLab() as engagelab:  # doctest: +SKIP
...     with Mirror.open("mirror.sqlite3") as mirror:
...         report = await reconcile(mirror, direction("ncp", "engagelab"), ncp, engagelab,
...                                  expire=dt.date(2036, 1, 1))
...         report.not_delivered  # [] when EngageLab holds every NAVER opt-out
"""

from mailoptout.sync._plan import Plan, plan
from mailoptout.sync._reconcile import (
    WHAT,
    Direction,
    NotDelivered,
    ReconcileReport,
    direction,
    reconcile,
)
from mailoptout.sync._writers import (
    EngageLabWriter,
    NcpWriter,
    Outcome,
    StopSyncError,
    Write,
    Writer,
)

__all__ = [
    "WHAT",
    "Direction",
    "EngageLabWriter",
    "NcpWriter",
    "NotDelivered",
    "Outcome",
    "Plan",
    "ReconcileReport",
    "StopSyncError",
    "Write",
    "Writer",
    "direction",
    "plan",
    "reconcile",
]
