from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NcpErrorDetail")

_KNOWN_KEYS = frozenset({"errorCode", "code", "message", "details"})


@_attrs_define
class NcpErrorDetail:
    """The API Gateway sends `errorCode` and `details`; the mailer sends `code`. `errorCode` is
    documented as Integer while the examples show a string (`"210"`): both are accepted.

    """

    error_code: int | str | None = None

    code: int | str | None = None

    message: str | None = None

    details: str | None = None

    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error_code = self.error_code

        code = self.code

        message = self.message

        details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if error_code is not None:
            field_dict["errorCode"] = error_code
        if code is not None:
            field_dict["code"] = code
        if message is not None:
            field_dict["message"] = message
        if details is not None:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        error_code: int | str | None = src_dict.get("errorCode")

        code: int | str | None = src_dict.get("code")

        message = src_dict.get("message")

        details = src_dict.get("details")

        ncp_error_detail = cls(
            error_code,
            code,
            message,
            details,
            src_dict,
        )

        if len(src_dict) != (
            0
            + (error_code is not None)
            + (code is not None)
            + (message is not None)
            + (details is not None)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            ncp_error_detail.additional_properties = d
        return ncp_error_detail

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
