from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AddBlocksRequest")

_KNOWN_KEYS = frozenset({"email_or_domain", "expire_time"})


@_attrs_define
class AddBlocksRequest:
    """Guess (see addBlocks)."""

    email_or_domain: str
    """ An email address or a receiving domain. """
    expire_time: datetime.date | None = None
    """ Expiration of the block, `yyyy-MM-dd`; none: never. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email_or_domain = self.email_or_domain

        expire_time = None if self.expire_time is None else self.expire_time.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email_or_domain": email_or_domain,
            }
        )
        if expire_time is not None:
            field_dict["expire_time"] = expire_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email_or_domain = src_dict["email_or_domain"]

        _expire_time = src_dict.get("expire_time")
        expire_time: datetime.date | None = (
            None if _expire_time is None else datetime.date.fromisoformat(_expire_time)
        )

        add_blocks_request = cls(
            email_or_domain,
            expire_time,
            src_dict,
        )

        if len(src_dict) != (1 + (expire_time is not None)):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            add_blocks_request.additional_properties = d
        return add_blocks_request

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
