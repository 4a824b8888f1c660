from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NesDateTime")

_KNOWN_KEYS = frozenset({"utc", "formattedDate", "formattedDateTime"})


@_attrs_define
class NesDateTime:
    """A point in time as NAVER's mailer sends it (`utc` is what code should read)."""

    utc: int
    """ Epoch milliseconds. """
    formatted_date: str | None = None
    """ `yyyy-MM-dd` """
    formatted_date_time: str | None = None
    """ `yyyy-MM-dd HH:mm:ss SSS` """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        utc = self.utc

        formatted_date = self.formatted_date

        formatted_date_time = self.formatted_date_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "utc": utc,
            }
        )
        if formatted_date is not None:
            field_dict["formattedDate"] = formatted_date
        if formatted_date_time is not None:
            field_dict["formattedDateTime"] = formatted_date_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        utc = src_dict["utc"]

        formatted_date = src_dict.get("formattedDate")

        formatted_date_time = src_dict.get("formattedDateTime")

        nes_date_time = cls(
            utc,
            formatted_date,
            formatted_date_time,
            src_dict,
        )

        if len(src_dict) != (
            1 + (formatted_date is not None) + (formatted_date_time is not None)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            nes_date_time.additional_properties = d
        return nes_date_time

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
