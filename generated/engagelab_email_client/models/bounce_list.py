from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    parse_items,
)

T = TypeVar("T", bound="BounceList")

_KNOWN_KEYS = frozenset({"result", "count", "total"})


@_attrs_define
class BounceList:
    """The bounce entries of an address."""

    result: list[Bounce]

    count: int
    """ Items in this page. """
    total: int
    """ Items matching the query. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result = [item.to_dict() for item in self.result]

        count = self.count

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "result": result,
                "count": count,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        result = parse_items(Bounce.from_dict, src_dict["result"], "result")

        count = src_dict["count"]

        total = src_dict["total"]

        bounce_list = cls(
            result,
            count,
            total,
            src_dict,
        )

        if len(src_dict) != 3:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            bounce_list.additional_properties = d
        return bounce_list

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
from ..models.bounce import Bounce
