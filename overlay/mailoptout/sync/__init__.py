"""Keep opt-outs in sync across providers, losing nothing: a resumable, journaled copy.

>>> async with AsyncNcpMailer() as ncp, AsyncEngageLab() as engagelab:  # doctest: +SKIP
...     with SyncJournal.open(Path("sync.sqlite3")) as journal:
...         report = await run_sync(journal, NcpSource(ncp), EngageLabTarget(engagelab, ...))
"""

from mailoptout.sync._engine import SyncReport, run_sync
from mailoptout.sync._journal import JournalBusyError, JournalError, SyncJournal
from mailoptout.sync._protocols import Outcome, Source, SourcePage, StopSyncError, Target
from mailoptout.sync._providers import check_direction, endpoints, kinds_of
from mailoptout.sync._sources import (
    ENGAGELAB_FIRST_DAY,
    EngageLabComplaintsSource,
    EngageLabSource,
    NcpSource,
)
from mailoptout.sync._targets import EngageLabTarget, NcpTarget

__all__ = [
    "ENGAGELAB_FIRST_DAY",
    "EngageLabComplaintsSource",
    "EngageLabSource",
    "EngageLabTarget",
    "JournalBusyError",
    "JournalError",
    "NcpSource",
    "NcpTarget",
    "Outcome",
    "Source",
    "SourcePage",
    "StopSyncError",
    "SyncJournal",
    "SyncReport",
    "Target",
    "check_direction",
    "endpoints",
    "kinds_of",
    "run_sync",
]
