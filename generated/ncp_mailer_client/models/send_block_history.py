from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
    """One row of a recipient's send-block history (no field is marked Required on the page)."""

    target_address: str
    action_type: HistoryActionType | Unset = UNSET
    """ What a send-block history row did: `C` created the block, `D` deleted it. """
    action_requester_type: RequesterType | Unset = UNSET
    """ Who caused a send-block history row. """
    request_date: NesDateTime | Unset = UNSET
    """ A point in time as NAVER's mailer sends it (`utc` is what code should read). """
    history_sid: int | Unset = UNSET
    send_result_code: None | str | Unset = UNSET
    """ Delivery result that caused the block (null on `D` rows): `MAILBOX_ERROR`,
    `MAIL_CONTENTS_ERROR`, `NETWORK_ERROR`, `RECEIVE_MAIL_SERVICE_ERROR`,
    `RECIPIENT_ADDRESS_ERROR`, `SECURITY_AND_POLICY_ERROR`, `SMTP_ERROR`; others may appear.
     """
    send_result_message: None | str | Unset = UNSET
    """ The remote server's answer. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        target_address = self.target_address

        action_type: dict[str, Any] | Unset = UNSET
        if not isinstance(self.action_type, Unset):
            action_type = self.action_type.to_dict()

        action_requester_type: dict[str, Any] | Unset = UNSET
        if not isinstance(self.action_requester_type, Unset):
            action_requester_type = self.action_requester_type.to_dict()

        request_date: dict[str, Any] | Unset = UNSET
        if not isinstance(self.request_date, Unset):
            request_date = self.request_date.to_dict()

        history_sid = self.history_sid

        send_result_code: None | str | Unset
        if isinstance(self.send_result_code, Unset):
            send_result_code = UNSET
        else:
            send_result_code = self.send_result_code

        send_result_message: None | str | Unset
        if isinstance(self.send_result_message, Unset):
            send_result_message = UNSET
        else:
            send_result_message = self.send_result_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "targetAddress": target_address,
            }
        )
        if action_type is not UNSET:
            field_dict["actionType"] = action_type
        if action_requester_type is not UNSET:
            field_dict["actionRequesterType"] = action_requester_type
        if request_date is not UNSET:
            field_dict["requestDate"] = request_date
        if history_sid is not UNSET:
            field_dict["historySid"] = history_sid
        if send_result_code is not UNSET:
            field_dict["sendResultCode"] = send_result_code
        if send_result_message is not UNSET:
            field_dict["sendResultMessage"] = send_result_message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        target_address = src_dict["targetAddress"]

        _action_type = src_dict.get("actionType", UNSET)
        action_type: HistoryActionType | Unset = (
            UNSET
            if _action_type is UNSET
            else HistoryActionType.from_dict(_action_type)
        )

        _action_requester_type = src_dict.get("actionRequesterType", UNSET)
        action_requester_type: RequesterType | Unset = (
            UNSET
            if _action_requester_type is UNSET
            else RequesterType.from_dict(_action_requester_type)
        )

        _request_date = src_dict.get("requestDate", UNSET)
        request_date: NesDateTime | Unset = (
            UNSET if _request_date is UNSET else NesDateTime.from_dict(_request_date)
        )

        history_sid = src_dict.get("historySid", UNSET)

        send_result_code: None | str | Unset = src_dict.get("sendResultCode", UNSET)

        send_result_message: None | str | Unset = src_dict.get(
            "sendResultMessage", UNSET
        )

        send_block_history = cls(
            target_address,
            action_type,
            action_requester_type,
            request_date,
            history_sid,
            send_result_code,
            send_result_message,
        )

        if len(src_dict) != (
            1
            + (action_type is not UNSET)
            + (action_requester_type is not UNSET)
            + (request_date is not UNSET)
            + (history_sid is not UNSET)
            + (send_result_code is not UNSET)
            + (send_result_message is not UNSET)
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
from ..models.nes_date_time import NesDateTime
from ..models.requester_type import RequesterType
