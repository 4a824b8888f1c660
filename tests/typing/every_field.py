# pyright: strict
# Written by tests/typing/make_every_field.py from the specs: do not edit by hand.
"""Every list operation of both providers, and the type of every documented field of its items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, assert_type

from engagelab_email_client.models import Block, Bounce, Complaint, NoInterception, Unsubscribe
from mailoptout import (
    EngageLab,
    NcpMailer,
    RequesterCode,
    SendBlockAction,
    SendResultCode,
    UnsubscribeType,
)
from ncp_mailer_client.models import (
    HistoryActionType,
    RequesterType,
    SendBlockHistory,
    Unsubscriber,
)

SINCE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DAY = dt.date(2025, 1, 1)
ADDRESS = "someone@example.com"
"""Never run: type-checked only."""


def get_unsubscribers_list(ncp: NcpMailer) -> None:
    """getUnsubscribersList: every item, every field."""
    for item in ncp.unsubscribers(start=SINCE, max_retries=0):
        assert_type(item, Unsubscriber)
        assert_type(item.address, str)
        assert_type(item.block_date, dt.datetime)
        assert_type(item.is_reg_by_manager, bool)
        assert_type(item.raw, Mapping[str, Any])


def get_send_block_list(ncp: NcpMailer) -> None:
    """getSendBlockList: every item, every field."""
    for item in ncp.send_block_history(ADDRESS, timeout=5):
        assert_type(item, SendBlockHistory)
        assert_type(item.target_address, str)
        assert_type(item.action_type, HistoryActionType | None)
        if item.action_type is not None:
            assert_type(item.action_type.label, str | None)
            assert_type(item.action_type.code, SendBlockAction | str)
        assert_type(item.action_requester_type, RequesterType | None)
        if item.action_requester_type is not None:
            assert_type(item.action_requester_type.label, str | None)
            assert_type(item.action_requester_type.code, RequesterCode | str)
        assert_type(item.request_date, dt.datetime | None)
        assert_type(item.history_sid, int | None)
        assert_type(item.send_result_code, SendResultCode | str | None)
        assert_type(item.send_result_message, str | None)
        assert_type(item.raw, Mapping[str, Any])


def list_unsubscribes(engagelab: EngageLab) -> None:
    """listUnsubscribes: every item, every field."""
    for item in engagelab.unsubscribes(DAY, max_retries=0):
        assert_type(item, Unsubscribe)
        assert_type(item.email, str)
        assert_type(item.api_user, str | None)
        assert_type(item.type_, UnsubscribeType | int | None)
        assert_type(item.unsubscribe_time, dt.datetime | None)
        assert_type(item.expire_time, dt.datetime | None)
        assert_type(item.raw, Mapping[str, Any])


def list_bounces(engagelab: EngageLab) -> None:
    """listBounces: every item, every field."""
    for item in engagelab.bounces(ADDRESS, max_retries=0):
        assert_type(item, Bounce)
        assert_type(item.email, str)
        assert_type(item.reason, str | None)
        assert_type(item.bounce_time, dt.datetime | None)
        assert_type(item.expire_time, dt.datetime | None)
        assert_type(item.api_user, str | None)
        assert_type(item.raw, Mapping[str, Any])


def list_complaints(engagelab: EngageLab) -> None:
    """listComplaints: every item, every field."""
    for item in engagelab.complaints(DAY, max_retries=0):
        assert_type(item, Complaint)
        assert_type(item.email, str)
        assert_type(item.reason, str | None)
        assert_type(item.complaint_time, dt.datetime | None)
        assert_type(item.expire_time, dt.datetime | None)
        assert_type(item.raw, Mapping[str, Any])


def list_blocks(engagelab: EngageLab) -> None:
    """listBlocks: every item, every field."""
    for item in engagelab.blocks(DAY, max_retries=0):
        assert_type(item, Block)
        assert_type(item.block_id, int | None)
        assert_type(item.api_user, str | None)
        assert_type(item.email_or_domain, str)
        assert_type(item.create_time, dt.datetime | None)
        assert_type(item.expire_time, dt.datetime | None)
        assert_type(item.raw, Mapping[str, Any])


def list_no_interceptions(engagelab: EngageLab) -> None:
    """listNoInterceptions: every item, every field."""
    for item in engagelab.no_interceptions(DAY, timeout=5):
        assert_type(item, NoInterception)
        assert_type(item.api_user, str | None)
        assert_type(item.email_or_domain, str)
        assert_type(item.create_time, dt.datetime | None)
        assert_type(item.raw, Mapping[str, Any])


def get_send_block_page(ncp: NcpMailer) -> None:
    """getSendBlockList, one page: the status fields."""
    page = ncp.send_block(ADDRESS)
    assert_type(page.register_status, str)
    assert_type(page.expected_delete_date, dt.datetime | None)
