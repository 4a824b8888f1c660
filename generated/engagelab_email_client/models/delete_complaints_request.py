from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeleteComplaintsRequest")

_KNOWN_KEYS = frozenset({"email", "start_date", "end_date"})


@_attrs_define
class DeleteComplaintsRequest:
    """Guess, as for unsubscribes: `email`, or both `start_date` and `end_date` (at most 3 months
    apart); the server enforces the either/or.

    """

    email: str | Unset = UNSET
    """ Email address to delete. """
    start_date: datetime.date | Unset = UNSET
    """ Start date, `yyyy-MM-dd`. """
    end_date: datetime.date | Unset = UNSET
    """ End date, `yyyy-MM-dd`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        start_date: str | Unset = UNSET
        if not isinstance(self.start_date, Unset):
            start_date = self.start_date.isoformat()

        end_date: str | Unset = UNSET
        if not isinstance(self.end_date, Unset):
            end_date = self.end_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if start_date is not UNSET:
            field_dict["start_date"] = start_date
        if end_date is not UNSET:
            field_dict["end_date"] = end_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict.get("email", UNSET)

        _start_date = src_dict.get("start_date", UNSET)
        start_date: datetime.date | Unset = (
            UNSET if _start_date is UNSET else datetime.date.fromisoformat(_start_date)
        )

        _end_date = src_dict.get("end_date", UNSET)
        end_date: datetime.date | Unset = (
            UNSET if _end_date is UNSET else datetime.date.fromisoformat(_end_date)
        )

        delete_complaints_request = cls(
            email,
            start_date,
            end_date,
        )

        if len(src_dict) != (
            0
            + (email is not UNSET)
            + (start_date is not UNSET)
            + (end_date is not UNSET)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            delete_complaints_request.additional_properties = d
        return delete_complaints_request

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
