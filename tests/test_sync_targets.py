"""The sync's writers on their own: NAVER's chunk halving around an address it refuses (the
emulator behind a layer that refuses one address, as NAVER answers a 400 about a chunk)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import NCP, FakeClock, wiring
from mailoptout import AsyncNcpMailer
from mailoptout.emulator import EmulatorState
from mailoptout.emulator._answers import ncp_status_error
from mailoptout.sync import NcpWriter, Outcome, Write

REFUSED = "refused@example.com"


class Refusing(httpx.AsyncBaseTransport):
    """NAVER's 400 (code 77102) for any register whose body holds ``REFUSED``; the rest goes to
    the emulator. Counts the register requests and their sizes."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sizes: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = await request.aread()
            self.sizes.append(body.count(b"@"))
            if REFUSED.encode() in body:
                answer = ncp_status_error(400, "invalid address")
                return httpx.Response(
                    400, content=answer.body, headers={"content-type": "application/json"}
                )
        return await self.inner.handle_async_request(request)


@pytest.mark.anyio
async def test_a_refused_address_is_isolated_and_holds_back_no_other(
    app: Any, state: EmulatorState, clock: FakeClock
) -> None:
    """A chunk NAVER refuses is halved until the refused address is alone: every other address
    lands, the refused one is reported alone with NAVER's reason, in log2(chunk) extra requests."""
    transport = Refusing(httpx.ASGITransport(app=app))
    mailer = AsyncNcpMailer(
        *NCP, base_url="http://e/api/v1", **wiring(transport, clock, asynchronous=True)
    )
    addresses = [f"u{i:02d}@example.com" for i in range(20)]
    addresses.insert(13, REFUSED)
    outcomes: list[Outcome] = []
    await NcpWriter(mailer, chunk_size=8).write([Write(a) for a in addresses], outcomes.append)

    assert state.ncp_addresses() == set(addresses) - {REFUSED}
    refused = [outcome for outcome in outcomes if outcome.kind == "refused"]
    assert [outcome.entries for outcome in refused] == [[REFUSED]]
    assert "400 (code 77102)" in refused[0].reason
    delivered = {a for outcome in outcomes if outcome.kind == "changed" for a in outcome.entries}
    assert delivered == set(addresses) - {REFUSED}
    # chunks of 8, 8 and 5; the second holds the refused address (its sixth): halved into 4 + 4,
    # the refused four into 2 + 2, the refused two into 1 + 1
    assert transport.sizes == [8, 8, 4, 4, 2, 1, 1, 2, 5]
