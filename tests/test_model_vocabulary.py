"""The models in the user's vocabulary: absent is None, times are aware datetimes, listed values
are enums (unknown ones kept), the wire item is ``raw``, Required fields fail their page loudly;
and NAVER's documented date-time query formats, exactly."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, ClassVar

import httpx
import pytest
from conftest import NCP, FakeClock, wiring
from engagelab_email_client.models import (
    AddBlocksRequest,
    BlockList,
    BounceList,
    ComplaintList,
    DeleteUnsubscribesRequest,
    Unsubscribe,
    UnsubscribeList,
)
from engagelab_email_client.types import UnsubscribeType
from hypothesis import given
from hypothesis import strategies as st
from mailoptout import (
    APIResponseValidationError,
    EngageLab,
    NcpMailer,
    SendBlockAction,
    engagelab_time,
    nes_datetime,
)
from mailoptout.emulator import DEFAULT_ENGAGELAB_API_USER, DEFAULT_NCP_ACCESS_KEY, EmulatorState
from mailoptout.emulator._spec import load_spec
from ncp_mailer_client.models import SendBlockPage, UnsubscriberPage
from ncp_mailer_client.types import FieldError

UTC8 = dt.timezone(dt.timedelta(hours=8))
KST = dt.timezone(dt.timedelta(hours=9))


class TestDocumentedTimes:
    """Each provider example's times, in each shape the pages show."""

    def test_unsubscribes_offset_with_a_colon(self) -> None:
        """Unsubscribes page: ``2021-01-12T17:03:23+08:00``."""
        page = UnsubscribeList.from_dict(
            {
                "result": [
                    {
                        "email": "524244185@qq.com",
                        "unsubscribe_time": "2021-01-12T17:03:23+08:00",
                        "expire_time": "2023-01-12T17:03:23+08:00",
                        "type": 0,
                    }
                ],
                "count": 1,
                "total": 1,
            }
        )
        (item,) = page.result
        assert item.unsubscribe_time == dt.datetime(2021, 1, 12, 17, 3, 23, tzinfo=UTC8)
        assert item.expire_time == dt.datetime(2023, 1, 12, 17, 3, 23, tzinfo=UTC8)
        assert item.type_ is UnsubscribeType.NOT_WANTED

    def test_complaints_and_bounces_offset_without_a_colon(self) -> None:
        """Complaints and Bounces pages: ``2016-02-01T14:53:20+0800``."""
        complaint = {"email": "a@qq.com", "complaint_time": "2016-02-01T14:53:20+0800"}
        bounce = {"email": "b@qq.com", "bounce_time": "2016-02-01T14:53:20+0800"}
        (c,) = ComplaintList.from_dict({"result": [complaint], "count": 1, "total": 1}).result
        (b,) = BounceList.from_dict({"result": [bounce], "count": 1, "total": 1}).result
        expected = dt.datetime(2016, 2, 1, 6, 53, 20, tzinfo=dt.UTC)
        assert c.complaint_time == expected
        assert b.bounce_time == expected
        assert c.expire_time is None

    def test_blocks_without_an_offset_read_in_utc8(self) -> None:
        """Blocks page: ``2021-03-01 17:24:34``, no offset: +08:00, the zone of the others."""
        block = {"email_or_domain": "hotmail.com", "create_time": "2021-03-01 17:24:34"}
        (item,) = BlockList.from_dict({"result": [block], "count": 1, "total": 1}).result
        assert item.create_time == dt.datetime(2021, 3, 1, 17, 24, 34, tzinfo=UTC8)
        assert item.create_time is not None
        assert item.create_time.utcoffset() == dt.timedelta(hours=8)

    def test_nes_date_time_reads_its_utc(self) -> None:
        """getSendBlockList page: ``requestDate.utc`` 1593076560930; null expectedDeleteDate."""
        example = load_spec("ncp")["paths"]["/send-block"]["get"]["responses"]["200"]
        body = example["content"]["application/json"]["examples"]["api-docs"]["value"]
        page = SendBlockPage.from_dict(body)
        assert page.content is not None
        first = page.content[0]
        assert first.request_date == dt.datetime(2020, 6, 25, 9, 16, 0, 930000, tzinfo=dt.UTC)
        assert page.expected_delete_date is None
        assert first.action_type is not None
        assert first.action_type.code is SendBlockAction.DELETE
        assert first.send_result_code is None

    def test_old_helpers_take_the_new_fields_unchanged(self) -> None:
        """Code written for string and NesDateTime fields keeps working on datetimes."""
        moment = dt.datetime(2021, 1, 12, 17, 3, 23, tzinfo=UTC8)
        assert engagelab_time(moment) is moment
        assert nes_datetime(moment) is moment
        assert engagelab_time("2014-11-19 10:57:24").utcoffset() == dt.timedelta(hours=8)


@given(moment=st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.replace(microsecond=0)))
def test_every_engagelab_shape_names_the_same_instant(moment: dt.datetime) -> None:
    """``+08:00``, ``+0800`` and no offset (read in +08:00) give one instant."""
    local = moment.astimezone(UTC8)
    if not 1000 <= local.year <= 9999:  # four-digit years, as the provider writes them
        return
    shapes = [
        local.isoformat(),
        local.strftime("%Y-%m-%dT%H:%M:%S+0800"),
        local.strftime("%Y-%m-%d %H:%M:%S"),
    ]
    items = [{"email": "a@b.c", "unsubscribe_time": shape} for shape in shapes]
    read = UnsubscribeList.from_dict({"result": items, "count": 3, "total": 3}).result
    assert {item.unsubscribe_time for item in read} == {moment}


def test_unknown_enum_values_are_kept_as_they_came() -> None:
    """A ``type`` the page does not list is data: kept, and written back as it came."""
    items = [{"email": "a@b.c", "type": 2}, {"email": "b@b.c", "type": 7}, {"email": "c@b.c"}]
    read = UnsubscribeList.from_dict({"result": items, "count": 3, "total": 3}).result
    assert [item.type_ for item in read] == [UnsubscribeType.SPAM, 7, None]
    assert [item.to_dict().get("type") for item in read] == [2, 7, None]


def test_request_bodies_leave_out_what_is_none() -> None:
    """None is not sent: the body has only what was given."""
    assert DeleteUnsubscribesRequest(email="a@b.c").to_dict() == {"email": "a@b.c"}
    assert AddBlocksRequest(email_or_domain="x.com").to_dict() == {"email_or_domain": "x.com"}


def _ncp_page(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "content": content,
        "last": True,
        "totalElements": len(content),
        "totalPages": 1,
        "first": True,
        "numberOfElements": len(content),
        "size": 100,
        "number": 0,
        "sort": [],
    }


GOOD = {"address": "a@example.com", "blockDate": {"utc": 1593076560930}, "isRegByManager": False}


@pytest.mark.parametrize("missing", ["address", "blockDate", "isRegByManager"])
def test_a_required_field_missing_fails_the_page_naming_item_and_field(
    missing: str, clock: FakeClock
) -> None:
    """The data-type page marks all three fields Required: an item without one fails the page
    (never dropped), and the error names the item's index and the field."""
    bad = {key: value for key, value in GOOD.items() if key != missing}
    body = json.dumps(_ncp_page([GOOD, GOOD, bad])).encode()
    provider = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with (
        NcpMailer(
            *NCP, base_url="http://ncp/api/v1", **wiring(provider, clock, asynchronous=False)
        ) as mailer,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        list(mailer.unsubscribers())
    assert f"content[2]: required field '{missing}' is missing" in str(caught.value)


def test_a_malformed_time_fails_the_page_naming_item_and_field() -> None:
    """``blockDate`` as a string (not a NesDateTime) names the item and the field."""
    bad = {**GOOD, "blockDate": "2020-06-18 18:15:05"}
    with pytest.raises(FieldError, match=r"content\[1\]: blockDate: not a NesDateTime"):
        UnsubscriberPage.from_dict(_ncp_page([GOOD, bad]))


def test_items_through_the_facades_carry_their_wire_item(
    ncp: NcpMailer, engagelab: EngageLab, state: EmulatorState, clock: FakeClock
) -> None:
    """Against the emulator: aware datetimes, and the item as sent in ``raw``."""
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["a@example.com"], at_ms=1593076560930)
    (unsubscriber,) = ncp.unsubscribers()
    assert unsubscriber.block_date == dt.datetime(2020, 6, 25, 9, 16, 0, 930000, tzinfo=dt.UTC)
    assert unsubscriber.raw["blockDate"]["utc"] == 1593076560930
    now = dt.datetime.fromtimestamp(clock(), tz=UTC8)
    state.engagelab_add(
        DEFAULT_ENGAGELAB_API_USER, "b@example.com", now + dt.timedelta(days=30), type_=1
    )
    (unsubscribe,) = engagelab.unsubscribes(email="b@example.com")
    assert unsubscribe.type_ is UnsubscribeType.NEVER_SUBSCRIBED
    assert unsubscribe.unsubscribe_time == now.replace(microsecond=0)
    assert unsubscribe.raw["email"] == "b@example.com"


class TestNaverQueryFormats:
    """getUnsubscribersList lists four formats; the spec and the emulator take exactly those."""

    FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S.{ms}", "%Y-%m-%d %H:%M:%S {ms}")

    def _pattern(self) -> re.Pattern[str]:
        schema = load_spec("ncp")["components"]["schemas"]["NesDateTimeParam"]
        return re.compile(schema["pattern"])

    @given(moment=st.datetimes(min_value=dt.datetime(1000, 1, 1)))
    def test_the_spec_takes_the_four_formats_and_not_seconds_alone(
        self, moment: dt.datetime
    ) -> None:
        """Every documented format matches; ``yyyy-MM-dd HH:mm:ss`` does not."""
        pattern = self._pattern()
        ms = f"{moment.microsecond // 1000:03d}"
        for shape in self.FORMATS:
            assert pattern.fullmatch(moment.strftime(shape.format(ms=ms)))
        assert not pattern.fullmatch(moment.strftime("%Y-%m-%d %H:%M:%S"))

    @pytest.mark.parametrize(
        ("start", "status"), [("2020-06-18 18:15:05.229", 200), ("2020-06-18 18:15:05", 400)]
    )
    def test_the_emulator_serves_what_the_page_lists(
        self, ncp: NcpMailer, state: EmulatorState, start: str, status: int
    ) -> None:
        """``.229`` is served (from that millisecond on, KST); seconds alone are 400/77102."""
        at = int(dt.datetime(2020, 6, 18, 18, 15, 5, 229000, tzinfo=KST).timestamp() * 1000)
        state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["before@example.com"], at_ms=at - 1)
        state.ncp_register(DEFAULT_NCP_ACCESS_KEY, ["at@example.com"], at_ms=at)
        client = ncp.generated.get_httpx_client()
        client.event_hooks["response"] = []
        answer = client.get(
            "/unsubscribers", params={"startDateTime": start, "endDateTime": "2020-06-19"}
        )
        assert answer.status_code == status, answer.text
        if status == 200:
            assert [item["address"] for item in answer.json()["content"]] == ["at@example.com"]
        else:
            assert answer.json()["error"]["code"] == 77102


class TestEngageLabTimesReadLazily:
    """EngageLab's times are parsed when first read (parsing them with the page doubled its cost):
    the same values, equality and repr either way; a malformed one fails when read, named."""

    ITEM: ClassVar[dict[str, Any]] = {
        "email": "a@b.c",
        "unsubscribe_time": "2016-02-01T14:53:20+0800",
    }

    def test_read_or_not_the_item_is_the_same(self) -> None:
        """An item whose time was read equals one whose time was not, and one built in code."""
        (read,) = UnsubscribeList.from_dict({"result": [self.ITEM], "count": 1, "total": 1}).result
        (unread,) = UnsubscribeList.from_dict(
            {"result": [self.ITEM], "count": 1, "total": 1}
        ).result
        moment = dt.datetime(2016, 2, 1, 14, 53, 20, tzinfo=UTC8)
        assert read.unsubscribe_time == moment
        assert read == unread
        assert unread == Unsubscribe(email="a@b.c", unsubscribe_time=moment)
        assert "unsubscribe_time=datetime.datetime(2016, 2, 1" in repr(unread)
        assert "_unsubscribe_time" not in repr(unread)

    def test_a_malformed_time_fails_when_read_naming_the_field(self) -> None:
        """Never silently None: reading it raises, naming the field and the value."""
        item = {"email": "a@b.c", "unsubscribe_time": 1612162400}
        (bad,) = UnsubscribeList.from_dict({"result": [item], "count": 1, "total": 1}).result
        with pytest.raises(ValueError, match="unsubscribe_time: not an EngageLab time: 1612162400"):
            _ = bad.unsubscribe_time
        assert bad.raw["unsubscribe_time"] == 1612162400
