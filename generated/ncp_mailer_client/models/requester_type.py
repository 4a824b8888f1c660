from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import (
    REQUESTER_CODE_MEMBERS,
    RequesterCode,
)

T = TypeVar("T", bound="RequesterType")

_KNOWN_KEYS = frozenset({"code", "label"})


@_attrs_define
class RequesterType:
    """Who caused a send-block history row."""

    code: RequesterCode | str
    """ `CUSTOMER`, `OTHER_CUSTOMER`, `SYSTEM` or `ADMIN` (getSendBlockList page); others are data. """
    label: str | None = None
    """ Translated name; do not branch on it. """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
            }
        )
        if label is not None:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        _code = src_dict["code"]
        code = REQUESTER_CODE_MEMBERS.get(_code, _code) if type(_code) is str else _code

        label = src_dict.get("label")

        requester_type = cls(
            code,
            label,
            src_dict,
        )

        if len(src_dict) != (1 + (label is not None)):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            requester_type.additional_properties = d
        return requester_type

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
