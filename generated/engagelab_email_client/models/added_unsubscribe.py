from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AddedUnsubscribe")

_KNOWN_KEYS = frozenset({"email", "api_user", "unsubscribe_time", "expire_time"})


@_attrs_define
class AddedUnsubscribe:
    """The address as listed after adding it (only `email` is relied on)."""

    email: str
    api_user: str | Unset = UNSET
    unsubscribe_time: str | Unset = UNSET
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists), `yyyy-MM-dd HH:mm:ss` (add) or an offset without a
    colon (`+0800`, bounces and complaints). Use `mailoptout.engagelab_time()` for a
    timezone-aware datetime.
     """
    expire_time: str | Unset = UNSET
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists), `yyyy-MM-dd HH:mm:ss` (add) or an offset without a
    colon (`+0800`, bounces and complaints). Use `mailoptout.engagelab_time()` for a
    timezone-aware datetime.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        api_user = self.api_user

        unsubscribe_time = self.unsubscribe_time

        expire_time = self.expire_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
            }
        )
        if api_user is not UNSET:
            field_dict["api_user"] = api_user
        if unsubscribe_time is not UNSET:
            field_dict["unsubscribe_time"] = unsubscribe_time
        if expire_time is not UNSET:
            field_dict["expire_time"] = expire_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict["email"]

        api_user = src_dict.get("api_user", UNSET)

        unsubscribe_time = src_dict.get("unsubscribe_time", UNSET)

        expire_time = src_dict.get("expire_time", UNSET)

        added_unsubscribe = cls(
            email,
            api_user,
            unsubscribe_time,
            expire_time,
        )

        if len(src_dict) != (
            1
            + (api_user is not UNSET)
            + (unsubscribe_time is not UNSET)
            + (expire_time is not UNSET)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            added_unsubscribe.additional_properties = d
        return added_unsubscribe

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
