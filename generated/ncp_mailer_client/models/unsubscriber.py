from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    nes_time_json,
    parse_nes_time,
)

T = TypeVar("T", bound="Unsubscriber")

_KNOWN_KEYS = frozenset({"address", "blockDate", "isRegByManager"})


@_attrs_define
class Unsubscriber:
    """An address on the unsubscribe list; the data-type page of UnsubscribersListResponse marks
    all three fields Required.

    """

    address: str

    block_date: datetime.datetime
    """ A point in time as NAVER's mailer sends it (`utc` is what code should read). """
    is_reg_by_manager: bool
    """ `true`: added by an operator; `false`: the recipient unsubscribed. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        block_date = nes_time_json(self.block_date)

        is_reg_by_manager = self.is_reg_by_manager

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
                "blockDate": block_date,
                "isRegByManager": is_reg_by_manager,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        address = src_dict["address"]

        block_date = parse_nes_time(src_dict["blockDate"], "blockDate")

        is_reg_by_manager = src_dict["isRegByManager"]

        unsubscriber = cls(
            address,
            block_date,
            is_reg_by_manager,
            src_dict,
        )

        if len(src_dict) != 3:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            unsubscriber.additional_properties = d
        return unsubscriber

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
