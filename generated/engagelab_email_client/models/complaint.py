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

T = TypeVar("T", bound="Complaint")

_KNOWN_KEYS = frozenset({"email", "reason", "complaint_time", "expire_time"})


@_attrs_define
class Complaint:
    """An address on the spam complaint list (only `email` is relied on)."""

    email: str
    """ Complaint email address. """
    reason: str | None = None
    """ Complaint reason. """
    _complaint_time: datetime.datetime | str | None = _attrs_field(
        default=None, alias="complaint_time", eq=engagelab_time_key
    )

    _expire_time: datetime.datetime | str | None = _attrs_field(
        default=None, alias="expire_time", eq=engagelab_time_key
    )

    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    @property
    def complaint_time(self) -> datetime.datetime | None:
        """`yyyy-MM-ddTHH:mm:ss+hh:mm` (Unsubscribes list), `yyyy-MM-dd HH:mm:ss` (Unsubscribes add,
        Blocks and No_interceptions lists) or an offset without a colon (`+0800`, Bounces and
        Complaints pages). mailoptout's models read it as a timezone-aware datetime, a time without
        an offset in +08:00 (the zone of the offsets sent elsewhere: an assumption).
        """

        value = self._complaint_time
        # still the value as sent until first read: parsed now, kept parsed
        if value is not None and not isinstance(value, datetime.datetime):
            self._complaint_time = value = parse_engagelab_time(value, "complaint_time")
        return value

    @complaint_time.setter
    def complaint_time(self, value: datetime.datetime | None) -> None:
        self._complaint_time = value

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
                "complaint_time",
                "expire_time",
                "additional_properties",
            )
        )
        return f"{type(self).__name__}({shown})"

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        reason = self.reason

        complaint_time = (
            None
            if self.complaint_time is None
            else engagelab_time_json(self.complaint_time)
        )

        expire_time = (
            None if self.expire_time is None else engagelab_time_json(self.expire_time)
        )

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
            }
        )
        if reason is not None:
            field_dict["reason"] = reason
        if complaint_time is not None:
            field_dict["complaint_time"] = complaint_time
        if expire_time is not None:
            field_dict["expire_time"] = expire_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email = src_dict["email"]

        reason = src_dict.get("reason")

        complaint_time = src_dict.get("complaint_time")

        expire_time = src_dict.get("expire_time")

        complaint = cls(
            email,
            reason,
            complaint_time,
            expire_time,
            src_dict,
        )

        if len(src_dict) != (
            1
            + (reason is not None)
            + (complaint_time is not None)
            + (expire_time is not None)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            complaint.additional_properties = d
        return complaint

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
