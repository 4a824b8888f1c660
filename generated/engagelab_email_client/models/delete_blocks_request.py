from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeleteBlocksRequest")

_KNOWN_KEYS = frozenset({"email_or_domain", "start_date", "end_date"})


@_attrs_define
class DeleteBlocksRequest:
    """Guess (see deleteBlocks); `email_or_domain`, or both dates; the server enforces the either/or."""

    email_or_domain: str | None = None
    """ The email address or receiving domain to unblock. """
    start_date: datetime.date | None = None
    """ Start date, `yyyy-MM-dd`. """
    end_date: datetime.date | None = None
    """ End date, `yyyy-MM-dd`. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email_or_domain = self.email_or_domain

        start_date = None if self.start_date is None else self.start_date.isoformat()

        end_date = None if self.end_date is None else self.end_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if email_or_domain is not None:
            field_dict["email_or_domain"] = email_or_domain
        if start_date is not None:
            field_dict["start_date"] = start_date
        if end_date is not None:
            field_dict["end_date"] = end_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email_or_domain = src_dict.get("email_or_domain")

        _start_date = src_dict.get("start_date")
        start_date: datetime.date | None = (
            None if _start_date is None else datetime.date.fromisoformat(_start_date)
        )

        _end_date = src_dict.get("end_date")
        end_date: datetime.date | None = (
            None if _end_date is None else datetime.date.fromisoformat(_end_date)
        )

        delete_blocks_request = cls(
            email_or_domain,
            start_date,
            end_date,
            src_dict,
        )

        if len(src_dict) != (
            0
            + (email_or_domain is not None)
            + (start_date is not None)
            + (end_date is not None)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            delete_blocks_request.additional_properties = d
        return delete_blocks_request

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
