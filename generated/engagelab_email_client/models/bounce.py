from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    engagelab_time_json,
    engagelab_time_key,
    parse_engagelab_time,
)

T = TypeVar("T", bound="Bounce")

_KNOWN_KEYS = frozenset({"email", "reason", "bounce_time", "expire_time", "api_user"})


@_attrs_define
class Bounce:
    """An address on the bounce list (only `email` is relied on)."""

    email: str
    """ Email address. """
    reason: str | None = None
    """ Bounce reason (the remote server's answer). """
    _bounce_time: datetime.datetime | str | None = _attrs_field(
        default=None, alias="bounce_time", eq=engagelab_time_key
    )

    _expire_time: datetime.datetime | str | None = _attrs_field(
        default=None, alias="expire_time", eq=engagelab_time_key
    )

    api_user: str | None = None
    """ The API_USER it belongs to (not in the page's example). """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    @property
    def bounce_time(self) -> datetime.datetime | None:
        """`yyyy-MM-ddTHH:mm:ss+hh:mm` (Unsubscribes list), `yyyy-MM-dd HH:mm:ss` (Unsubscribes add,
        Blocks and No_interceptions lists) or an offset without a colon (`+0800`, Bounces and
        Complaints pages). mailoptout's models read it as a timezone-aware datetime, a time without
        an offset in +08:00 (the zone of the offsets sent elsewhere: an assumption).
        """

        value = self._bounce_time
        # still the value as sent until first read: parsed now, kept parsed
        if value is not None and not isinstance(value, datetime.datetime):
            self._bounce_time = value = parse_engagelab_time(value, "bounce_time")
        return value

    @bounce_time.setter
    def bounce_time(self, value: datetime.datetime | None) -> None:
        self._bounce_time = value

    @property
    def expire_time(self) -> datetime.datetime | None:
        """`yyyy-MM-ddTHH:mm:ss+hh:mm` (Unsubscribes list), `yyyy-MM-dd HH:mm:ss` (Unsubscribes add,
        Blocks and No_interceptions lists) or an offset without a colon (`+0800`, Bounces and
        Complaints pages). mailoptout's models read it as a timezone-aware datetime, a time without
        an offset in +08:00 (the zone of the offsets sent elsewhere: an assumption).
        """

        value = self._expire_time
        # still the value as sent until first read: parsed now, kept parsed
        if value is not None and not isinstance(value, datetime.datetime):
            self._expire_time = value = parse_engagelab_time(value, "expire_time")
        return value

    @expire_time.setter
    def expire_time(self, value: datetime.datetime | None) -> None:
        self._expire_time = value

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in (
                "email",
                "reason",
                "bounce_time",
                "expire_time",
                "api_user",
                "additional_properties",
            )
        )
        return f"{type(self).__name__}({shown})"

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        reason = self.reason

        bounce_time = (
            None if self.bounce_time is None else engagelab_time_json(self.bounce_time)
        )

        expire_time = (
            None if self.expire_time is None else engagelab_time_json(self.expire_time)
        )

        api_user = self.api_user

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
            }
        )
        if reason is not None:
            field_dict["reason"] = reason
        if bounce_time is not None:
            field_dict["bounce_time"] = bounce_time
        if expire_time is not None:
            field_dict["expire_time"] = expire_time
        if api_user is not None:
            field_dict["api_user"] = api_user

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict["email"]

        reason = src_dict.get("reason")

        bounce_time = src_dict.get("bounce_time")

        expire_time = src_dict.get("expire_time")

        api_user = src_dict.get("api_user")

        bounce = cls(
            email,
            reason,
            bounce_time,
            expire_time,
            api_user,
            src_dict,
        )

        if len(src_dict) != (
            1
            + (reason is not None)
            + (bounce_time is not None)
            + (expire_time is not None)
            + (api_user is not None)
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
