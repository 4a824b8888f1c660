from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UnsubscribersResult")

_KNOWN_KEYS = frozenset({"count", "requestCount", "ignoreCount"})


@_attrs_define
class UnsubscribersResult:
    """Outcome of adding or removing addresses."""

    count: int
    """ Addresses changed (registered or removed) among those requested. """
    request_count: int
    """ Addresses requested. """
    ignore_count: int
    """ Addresses requested but not changed (already in the wanted state). """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        request_count = self.request_count

        ignore_count = self.ignore_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "requestCount": request_count,
                "ignoreCount": ignore_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        count = src_dict["count"]

        request_count = src_dict["requestCount"]

        ignore_count = src_dict["ignoreCount"]

        unsubscribers_result = cls(
            count,
            request_count,
            ignore_count,
            src_dict,
        )

        if len(src_dict) != 3:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            unsubscribers_result.additional_properties = d
        return unsubscribers_result

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
