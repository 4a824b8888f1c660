from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BlockList")

_KNOWN_KEYS = frozenset({"result", "count", "total"})


@_attrs_define
class BlockList:
    """A page of the block list."""

    result: list[Block]
    count: int
    """ Items in this page. """
    total: int
    """ Items matching the query. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result = []
        for result_item_data in self.result:
            result_item = result_item_data.to_dict()
            result.append(result_item)

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
        result = list(map(Block.from_dict, src_dict["result"]))

        count = src_dict["count"]

        total = src_dict["total"]

        block_list = cls(
            result,
            count,
            total,
        )

        if len(src_dict) != 3:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            block_list.additional_properties = d
        return block_list

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
from ..models.block import Block
