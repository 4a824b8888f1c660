from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Sort")

_KNOWN_KEYS = frozenset(
    {"direction", "property", "ignoreCase", "nullHandling", "ascending", "descending"}
)


@_attrs_define
class Sort:
    """One sort criterion of a Spring page."""

    direction: str
    """ `ASC` or `DESC` """
    property_: str

    ignore_case: bool | None = None

    null_handling: str | None = None
    """ e.g. `NATIVE` """
    ascending: bool | None = None

    descending: bool | None = None

    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        direction = self.direction

        property_ = self.property_

        ignore_case = self.ignore_case

        null_handling = self.null_handling

        ascending = self.ascending

        descending = self.descending

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "direction": direction,
                "property": property_,
            }
        )
        if ignore_case is not None:
            field_dict["ignoreCase"] = ignore_case
        if null_handling is not None:
            field_dict["nullHandling"] = null_handling
        if ascending is not None:
            field_dict["ascending"] = ascending
        if descending is not None:
            field_dict["descending"] = descending

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        direction = src_dict["direction"]

        property_ = src_dict["property"]

        ignore_case = src_dict.get("ignoreCase")

        null_handling = src_dict.get("nullHandling")

        ascending = src_dict.get("ascending")

        descending = src_dict.get("descending")

        sort = cls(
            direction,
            property_,
            ignore_case,
            null_handling,
            ascending,
            descending,
            src_dict,
        )

        if len(src_dict) != (
            2
            + (ignore_case is not None)
            + (null_handling is not None)
            + (ascending is not None)
            + (descending is not None)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            sort.additional_properties = d
        return sort

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
