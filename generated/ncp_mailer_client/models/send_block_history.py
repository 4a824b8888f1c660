from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    SEND_RESULT_CODE_MEMBERS,
    SendResultCode,
    nes_time_json,
    parse_nes_time,
)

T = TypeVar("T", bound="SendBlockHistory")

_KNOWN_KEYS = frozenset(
    {
        "targetAddress",
        "actionType",
        "actionRequesterType",
        "requestDate",
        "historySid",
        "sendResultCode",
        "sendResultMessage",
    }
)


@_attrs_define
class SendBlockHistory:
    """One row of a recipient's send-block history (no field is marked Required on the getSendBlockList page)."""

    target_address: str

    action_type: HistoryActionType | None = None
    """ What a send-block history row did: `C` created the block, `D` deleted it (getSendBlockList page). """
    action_requester_type: RequesterType | None = None
    """ Who caused a send-block history row. """
    request_date: datetime.datetime | None = None
    """ A point in time as NAVER's mailer sends it (`utc` is what code should read). """
    history_sid: int | None = None

    send_result_code: SendResultCode | str | None = None
    """ Delivery result that caused the block (null on `D` rows): `MAILBOX_ERROR`,
    `MAIL_CONTENTS_ERROR`, `NETWORK_ERROR`, `RECEIVE_MAIL_SERVICE_ERROR`,
    `RECIPIENT_ADDRESS_ERROR`, `SECURITY_AND_POLICY_ERROR`, `SMTP_ERROR` (getSendBlockList
    page); others may appear.
     """
    send_result_message: str | None = None
    """ The remote server's answer. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        target_address = self.target_address

        action_type = None if self.action_type is None else self.action_type.to_dict()

        action_requester_type = (
            None
            if self.action_requester_type is None
            else self.action_requester_type.to_dict()
        )

        request_date = (
            None if self.request_date is None else nes_time_json(self.request_date)
        )

        history_sid = self.history_sid

        send_result_code = self.send_result_code

        send_result_message = self.send_result_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "targetAddress": target_address,
            }
        )
        if action_type is not None:
            field_dict["actionType"] = action_type
        if action_requester_type is not None:
            field_dict["actionRequesterType"] = action_requester_type
        if request_date is not None:
            field_dict["requestDate"] = request_date
        if history_sid is not None:
            field_dict["historySid"] = history_sid
        if send_result_code is not None:
            field_dict["sendResultCode"] = send_result_code
        if send_result_message is not None:
            field_dict["sendResultMessage"] = send_result_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        target_address = src_dict["targetAddress"]

        _action_type = src_dict.get("actionType")
        action_type: HistoryActionType | None = (
            None if _action_type is None else HistoryActionType.from_dict(_action_type)
        )

        _action_requester_type = src_dict.get("actionRequesterType")
        action_requester_type: RequesterType | None = (
            None
            if _action_requester_type is None
            else RequesterType.from_dict(_action_requester_type)
        )

        _request_date = src_dict.get("requestDate")
        request_date = (
            None
            if _request_date is None
            else parse_nes_time(_request_date, "requestDate")
        )

        history_sid = src_dict.get("historySid")

        _send_result_code = src_dict.get("sendResultCode")
        send_result_code = (
            SEND_RESULT_CODE_MEMBERS.get(_send_result_code, _send_result_code)
            if type(_send_result_code) is str
            else _send_result_code
        )

        send_result_message: str | None = src_dict.get("sendResultMessage")

        send_block_history = cls(
            target_address,
            action_type,
            action_requester_type,
            request_date,
            history_sid,
            send_result_code,
            send_result_message,
            src_dict,
        )

        if len(src_dict) != (
            1
            + (action_type is not None)
            + (action_requester_type is not None)
            + (request_date is not None)
            + (history_sid is not None)
            + (send_result_code is not None)
            + (send_result_message is not None)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            send_block_history.additional_properties = d
        return send_block_history

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Last, so that models referring to each other import: this module's class exists by now.
from ..models.history_action_type import HistoryActionType
from ..models.requester_type import RequesterType
