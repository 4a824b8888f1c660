from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="NcpErrorDetail")


@_attrs_define
class NcpErrorDetail:
    """The API Gateway sends `errorCode` (a string) and `details`; the mailer sends `code`."""

    message: str
    error_code: str | Unset = UNSET
    code: int | str | Unset = UNSET
    details: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        error_code = self.error_code

        code: int | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
            }
        )
        if error_code is not UNSET:
            field_dict["errorCode"] = error_code
        if code is not UNSET:
            field_dict["code"] = code
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        message = src_dict["message"]

        error_code = src_dict.get("errorCode", UNSET)

        def _parse_code(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        code = _parse_code(src_dict.get("code", UNSET))

        details = src_dict.get("details", UNSET)

        ncp_error_detail = cls(
            message,
            error_code,
            code,
            details,
        )

        if len(src_dict) > 1:
            known = {"message", "errorCode", "code", "details"}
            d = {key: value for key, value in src_dict.items() if key not in known}
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
