from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SendBlockPage")

_KNOWN_KEYS = frozenset(
    {
        "last",
        "totalElements",
        "totalPages",
        "first",
        "numberOfElements",
        "size",
        "number",
        "sort",
        "registerStatus",
        "expectedDeleteDate",
        "content",
    }
)


@_attrs_define
class SendBlockPage:
    """A page of a recipient's send-block history, with the current status."""

    last: bool
    """ Whether this is the last page. """
    total_elements: int
    """ Total number of records. """
    total_pages: int
    """ Total number of pages. """
    first: bool
    """ Whether this is the first page. """
    number_of_elements: int
    """ Records in this page. """
    size: int
    """ Records per page. """
    number: int
    """ Index of this page """
    sort: list[Sort]
    register_status: str
    """ Whether sending is currently blocked (`Not blocked`; the blocked value is translated). """
    expected_delete_date: NesDateTime | None
    """ When the block is scheduled to be lifted; null when not blocked. """
    content: list[SendBlockHistory] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        last = self.last

        total_elements = self.total_elements

        total_pages = self.total_pages

        first = self.first

        number_of_elements = self.number_of_elements

        size = self.size

        number = self.number

        sort = []
        for sort_item_data in self.sort:
            sort_item = sort_item_data.to_dict()
            sort.append(sort_item)

        register_status = self.register_status

        expected_delete_date: dict[str, Any] | None
        if isinstance(self.expected_delete_date, NesDateTime):
            expected_delete_date = self.expected_delete_date.to_dict()
        else:
            expected_delete_date = self.expected_delete_date

        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "last": last,
                "totalElements": total_elements,
                "totalPages": total_pages,
                "first": first,
                "numberOfElements": number_of_elements,
                "size": size,
                "number": number,
                "sort": sort,
                "registerStatus": register_status,
                "expectedDeleteDate": expected_delete_date,
            }
        )
        if content is not UNSET:
            field_dict["content"] = content

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        last = src_dict["last"]

        total_elements = src_dict["totalElements"]

        total_pages = src_dict["totalPages"]

        first = src_dict["first"]

        number_of_elements = src_dict["numberOfElements"]

        size = src_dict["size"]

        number = src_dict["number"]

        sort = list(map(Sort.from_dict, src_dict["sort"]))

        register_status = src_dict["registerStatus"]

        def _parse_expected_delete_date(data: object) -> NesDateTime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                expected_delete_date_type_0 = NesDateTime.from_dict(data)

                return expected_delete_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NesDateTime | None, data)

        expected_delete_date = _parse_expected_delete_date(
            src_dict["expectedDeleteDate"]
        )

        _content = src_dict.get("content", UNSET)
        content: list[SendBlockHistory] | Unset = (
            UNSET
            if _content is UNSET
            else list(map(SendBlockHistory.from_dict, _content))
        )

        send_block_page = cls(
            last,
            total_elements,
            total_pages,
            first,
            number_of_elements,
            size,
            number,
            sort,
            register_status,
            expected_delete_date,
            content,
        )

        if len(src_dict) != (10 + (content is not UNSET)):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            send_block_page.additional_properties = d
        return send_block_page

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
from ..models.send_block_history import SendBlockHistory
from ..models.sort import Sort
