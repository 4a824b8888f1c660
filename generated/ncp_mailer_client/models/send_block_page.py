from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    nes_time_json,
    parse_items,
    parse_nes_time,
)

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
    expected_delete_date: datetime.datetime | None
    """ When the block is scheduled to be lifted; null when not blocked. """
    content: list[SendBlockHistory] | None = None

    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        last = self.last

        total_elements = self.total_elements

        total_pages = self.total_pages

        first = self.first

        number_of_elements = self.number_of_elements

        size = self.size

        number = self.number

        sort = [item.to_dict() for item in self.sort]

        register_status = self.register_status

        expected_delete_date = (
            None
            if self.expected_delete_date is None
            else nes_time_json(self.expected_delete_date)
        )

        content = (
            None if self.content is None else [item.to_dict() for item in self.content]
        )

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
        if content is not None:
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

        sort = parse_items(Sort.from_dict, src_dict["sort"], "sort")

        register_status = src_dict["registerStatus"]

        _expected_delete_date = src_dict["expectedDeleteDate"]
        expected_delete_date = (
            None
            if _expected_delete_date is None
            else parse_nes_time(_expected_delete_date, "expectedDeleteDate")
        )

        _content = src_dict.get("content")
        content: list[SendBlockHistory] | None = (
            None
            if _content is None
            else parse_items(SendBlockHistory.from_dict, _content, "content")
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
            src_dict,
        )

        if len(src_dict) != (10 + (content is not None)):
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
from ..models.send_block_history import SendBlockHistory
from ..models.sort import Sort
