from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BlockedReceiversRequest")

_KNOWN_KEYS = frozenset({"blockedReceivers"})


@_attrs_define
class BlockedReceiversRequest:
    """Addresses to add to or remove from the unsubscribe list."""

    blocked_receivers: list[str]
    """ Recipient email addresses. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        blocked_receivers = self.blocked_receivers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "blockedReceivers": blocked_receivers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        blocked_receivers = cast(list[str], src_dict["blockedReceivers"])

        blocked_receivers_request = cls(
            blocked_receivers,
            src_dict,
        )

        if len(src_dict) != 1:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            blocked_receivers_request.additional_properties = d
        return blocked_receivers_request

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
