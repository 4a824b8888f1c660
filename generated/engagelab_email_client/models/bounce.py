from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Bounce")

_KNOWN_KEYS = frozenset({"email", "reason", "bounce_time", "expire_time", "api_user"})


@_attrs_define
class Bounce:
    """An address on the bounce list (only `email` is relied on)."""

    email: str
    """ Email address. """
    reason: str | Unset = UNSET
    """ Bounce reason (the remote server's answer). """
    bounce_time: str | Unset = UNSET
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists), `yyyy-MM-dd HH:mm:ss` (add) or an offset without a
    colon (`+0800`, bounces and complaints). Use `mailoptout.engagelab_time()` for a
    timezone-aware datetime.
     """
    expire_time: str | Unset = UNSET
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists), `yyyy-MM-dd HH:mm:ss` (add) or an offset without a
    colon (`+0800`, bounces and complaints). Use `mailoptout.engagelab_time()` for a
    timezone-aware datetime.
     """
    api_user: str | Unset = UNSET
    """ The API_USER it belongs to (not in the page's example). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        reason = self.reason

        bounce_time = self.bounce_time

        expire_time = self.expire_time

        api_user = self.api_user

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason
        if bounce_time is not UNSET:
            field_dict["bounce_time"] = bounce_time
        if expire_time is not UNSET:
            field_dict["expire_time"] = expire_time
        if api_user is not UNSET:
            field_dict["api_user"] = api_user

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict["email"]

        reason = src_dict.get("reason", UNSET)

        bounce_time = src_dict.get("bounce_time", UNSET)

        expire_time = src_dict.get("expire_time", UNSET)

        api_user = src_dict.get("api_user", UNSET)

        bounce = cls(
            email,
            reason,
            bounce_time,
            expire_time,
            api_user,
        )

        if len(src_dict) != (
            1
            + (reason is not UNSET)
            + (bounce_time is not UNSET)
            + (expire_time is not UNSET)
            + (api_user is not UNSET)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            bounce.additional_properties = d
        return bounce

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
