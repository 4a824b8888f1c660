from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Unsubscribe")


@_attrs_define
class Unsubscribe:
    """An address on the unsubscribe list."""

    email: str
    """ Email address. """
    api_user: str
    """ The API_USER it belongs to. """
    type_: int
    """ Why: 0 don't want such mail anymore, 1 never subscribed, 2 spam, 3 fraud.
    `mailoptout.UnsubscribeType` names them; other values are passed through.
     """
    unsubscribe_time: str
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists) or `yyyy-MM-dd HH:mm:ss` (add). Use
    `mailoptout.engagelab_time()` for a timezone-aware datetime.
     """
    expire_time: str
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists) or `yyyy-MM-dd HH:mm:ss` (add). Use
    `mailoptout.engagelab_time()` for a timezone-aware datetime.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        api_user = self.api_user

        type_ = self.type_

        unsubscribe_time = self.unsubscribe_time

        expire_time = self.expire_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
                "api_user": api_user,
                "type": type_,
                "unsubscribe_time": unsubscribe_time,
                "expire_time": expire_time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict["email"]

        api_user = src_dict["api_user"]

        type_ = src_dict["type"]

        unsubscribe_time = src_dict["unsubscribe_time"]

        expire_time = src_dict["expire_time"]

        unsubscribe = cls(
            email,
            api_user,
            type_,
            unsubscribe_time,
            expire_time,
        )

        if len(src_dict) > 5:
            known = {"email", "api_user", "type", "unsubscribe_time", "expire_time"}
            d = {key: value for key, value in src_dict.items() if key not in known}
            unsubscribe.additional_properties = d
        return unsubscribe

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
