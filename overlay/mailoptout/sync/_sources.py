"""The providers as sync sources. Days are the provider's own: NAVER's are KST (+09:00),
EngageLab's +08:00."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

import attrs
from ncp_mailer_client.models import Unsubscriber

from mailoptout._engagelab import AsyncEngageLab, date_windows
from mailoptout._ncp import AsyncNcpMailer
from mailoptout._pagination import AsyncPaginator, Page
from mailoptout._time import KST, to_epoch_ms
from mailoptout.sync._protocols import SourcePage

__all__ = [
    "ENGAGELAB_FIRST_DAY",
    "ENGAGELAB_PAGE_SIZE",
    "NCP_PAGE_SIZE",
    "EngageLabComplaintsSource",
    "EngageLabSource",
    "NcpSource",
]

ENGAGELAB_FIRST_DAY = dt.date(2010, 1, 1)
"""EngageLab lists by date windows only and documents no limit on how far back: a first sync
lists from this day (before any EngageLab opt-out, so the listing is complete)."""
NCP_PAGE_SIZE = 1000
ENGAGELAB_PAGE_SIZE = 100  # the API's maximum
ONE_DAY = dt.timedelta(days=1)


@attrs.define
class NcpSource:
    """NAVER's unsubscribe list, oldest first; the position is the last listed ``blockDate``
    in epoch ms. After a page that moved past the start, listing starts afresh from there, so
    deletions meanwhile shift nothing; only pages of one same moment (a bulk registration)
    follow each other by page number."""

    mailer: AsyncNcpMailer
    name: str = "ncp"

    async def pages(self, position: str | None, since: dt.date | None) -> AsyncIterator[SourcePage]:
        start_ms = 0 if position is None else int(position)
        if since is not None:
            start_ms = int(dt.datetime.combine(since, dt.time(0), tzinfo=KST).timestamp() * 1000)
        while True:
            start = dt.datetime.fromtimestamp(start_ms / 1000, tz=dt.UTC)
            listing = self.mailer.unsubscribers(
                start=start, sort=["createUtc,asc"], page_size=NCP_PAGE_SIZE
            )
            generator = cast(AsyncGenerator[Page[Unsubscriber], None], listing.pages())
            async with contextlib.aclosing(generator) as pages:
                async for page in pages:
                    if not page.items:
                        return
                    last_ms = to_epoch_ms(page.items[-1].block_date)
                    yield SourcePage([item.address for item in page.items], str(last_ms))
                    if not page.has_next:
                        return
                    if last_ms != start_ms:
                        break
                else:
                    return
            start_ms = last_ms


def _split(first: dt.date, last: dt.date, parts: int) -> list[tuple[dt.date, dt.date]]:
    """``first``..``last`` in ``parts`` windows of (about) equal days."""
    step = max(1, -(-((last - first).days + 1) // parts))
    starts = [first + dt.timedelta(days=n) for n in range(0, (last - first).days + 1, step)]
    return [(start, min(start + dt.timedelta(days=step - 1), last)) for start in starts]


@attrs.define
class EngageLabSource:
    """EngageLab's unsubscribe list in date windows (+08:00 days); the position is the first
    day of the window being listed. Windows are at most 3 months (the API's limit) and are
    split while they hold over ``max_pages`` pages, so a failure repeats little listing (the
    API pages by offset within a window: one day is listed in one go, however long).
    The last window ends today; the position then stays on today, so the next run lists today
    again (the journal drops what is done)."""

    client: AsyncEngageLab
    today: dt.date
    max_pages: int = 10
    name: str = "engagelab"

    def _listing(self, first: dt.date, last: dt.date) -> AsyncPaginator[Any]:
        return self.client.unsubscribes(first, last, page_size=ENGAGELAB_PAGE_SIZE)

    async def pages(self, position: str | None, since: dt.date | None) -> AsyncIterator[SourcePage]:
        start = since or (
            ENGAGELAB_FIRST_DAY if position is None else dt.date.fromisoformat(position)
        )
        windows = date_windows(min(start, self.today), self.today)
        while windows:
            first, last = windows.pop(0)
            listing = self._listing(first, last)
            generator = cast(AsyncGenerator[Page[Any], None], listing.pages())
            async with contextlib.aclosing(generator) as pages:
                async for page in pages:
                    pages_in_window = page.total_pages or 0
                    if page.number == 0 and pages_in_window > self.max_pages and first < last:
                        windows[:0] = _split(first, last, -(-pages_in_window // self.max_pages))
                        break
                    after = first
                    if not page.has_next:  # the window is complete
                        after = min(last + ONE_DAY, self.today)
                    yield SourcePage([item.email for item in page.items], after.isoformat())


@attrs.define
class EngageLabComplaintsSource(EngageLabSource):
    """EngageLab's spam complaints, listed as :class:`EngageLabSource` lists unsubscribes: a
    complaint is an opt-out too. Its own name keeps its journal (cursor, done, refused) apart."""

    name: str = "engagelab-complaints"

    def _listing(self, first: dt.date, last: dt.date) -> AsyncPaginator[Any]:
        return self.client.complaints(first, last, page_size=ENGAGELAB_PAGE_SIZE)
