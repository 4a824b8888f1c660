from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AddUnsubscribeRequest")

_KNOWN_KEYS = frozenset({"email", "expire_time"})


@_attrs_define
class AddUnsubscribeRequest:
    email: str
    """ Email address to add. """
    expire_time: datetime.date
    """ Expiration of the unsubscribe interception, `yyyy-MM-dd`. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        expire_time = self.expire_time.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
                "expire_time": expire_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict["email"]

        expire_time = datetime.date.fromisoformat(src_dict["expire_time"])

        add_unsubscribe_request = cls(
            email,
            expire_time,
            src_dict,
        )

        if len(src_dict) != 2:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            add_unsubscribe_request.additional_properties = d
        return add_unsubscribe_request

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
