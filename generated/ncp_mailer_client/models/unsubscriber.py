from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Unsubscriber")

_KNOWN_KEYS = frozenset({"address", "blockDate", "isRegByManager"})


@_attrs_define
class Unsubscriber:
    """An address on the unsubscribe list (item fields are not marked Required)."""

    address: str
    block_date: NesDateTime | Unset = UNSET
    """ A point in time as NAVER's mailer sends it (`utc` is what code should read). """
    is_reg_by_manager: bool | Unset = UNSET
    """ `true`: added by an operator; `false`: the recipient unsubscribed. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        address = self.address

        block_date: dict[str, Any] | Unset = UNSET
        if not isinstance(self.block_date, Unset):
            block_date = self.block_date.to_dict()

        is_reg_by_manager = self.is_reg_by_manager

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "address": address,
            }
        )
        if block_date is not UNSET:
            field_dict["blockDate"] = block_date
        if is_reg_by_manager is not UNSET:
            field_dict["isRegByManager"] = is_reg_by_manager

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        address = src_dict["address"]

        _block_date = src_dict.get("blockDate", UNSET)
        block_date: NesDateTime | Unset = (
            UNSET if _block_date is UNSET else NesDateTime.from_dict(_block_date)
        )

        is_reg_by_manager = src_dict.get("isRegByManager", UNSET)

        unsubscriber = cls(
            address,
            block_date,
            is_reg_by_manager,
        )

        if len(src_dict) != (
            1 + (block_date is not UNSET) + (is_reg_by_manager is not UNSET)
        ):
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


# Last, so that models referring to each other import: this module's class exists by now.
from ..models.nes_date_time import NesDateTime
