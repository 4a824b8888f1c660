from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    engagelab_time_json,
    parse_engagelab_time,
)

T = TypeVar("T", bound="NoInterception")

_KNOWN_KEYS = frozenset({"email_or_domain", "api_user", "create_time"})


@_attrs_define
class NoInterception:
    """An address or receiving domain on the allow-list (only `email_or_domain` is relied on)."""

    email_or_domain: str
    """ Email address or receiving domain never intercepted. """
    api_user: str | None = None
    """ The API_USER it applies to (`all`: every API_USER). """
    create_time: datetime.datetime | None = None
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (Unsubscribes list), `yyyy-MM-dd HH:mm:ss` (Unsubscribes add,
    Blocks and No_interceptions lists) or an offset without a colon (`+0800`, Bounces and
    Complaints pages). mailoptout's models read it as a timezone-aware datetime, a time without
    an offset in +08:00 (the zone of the offsets sent elsewhere: an assumption).
     """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email_or_domain = self.email_or_domain

        api_user = self.api_user

        create_time = (
            None if self.create_time is None else engagelab_time_json(self.create_time)
        )

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email_or_domain": email_or_domain,
            }
        )
        if api_user is not None:
            field_dict["api_user"] = api_user
        if create_time is not None:
            field_dict["create_time"] = create_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email_or_domain = src_dict["email_or_domain"]

        api_user = src_dict.get("api_user")

        _create_time = src_dict.get("create_time")
        create_time = (
            None
            if _create_time is None
            else parse_engagelab_time(_create_time, "create_time")
        )

        no_interception = cls(
            email_or_domain,
            api_user,
            create_time,
            src_dict,
        )

        if len(src_dict) != (1 + (api_user is not None) + (create_time is not None)):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            no_interception.additional_properties = d
        return no_interception

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
