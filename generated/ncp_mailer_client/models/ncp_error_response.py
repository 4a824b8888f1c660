from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NcpErrorResponse")

_KNOWN_KEYS = frozenset({"error"})


@_attrs_define
class NcpErrorResponse:
    """Error body of the API Gateway and of the mailer."""

    error: NcpErrorDetail
    """ The API Gateway sends `errorCode` and `details`; the mailer sends `code`. `errorCode` is
    documented as Integer while the examples show a string (`"210"`): both are accepted.
     """
    raw: Mapping[str, Any] = _attrs_field(factory=dict, repr=False, eq=False)
    """ The mapping this object was read from, as the provider sent it (empty when built in code). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        error = NcpErrorDetail.from_dict(src_dict["error"])

        ncp_error_response = cls(
            error,
            src_dict,
        )

        if len(src_dict) != 1:
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            ncp_error_response.additional_properties = d
        return ncp_error_response

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


# Last, so that models referring to each other import: this module's class exists by now.
from ..models.ncp_error_detail import NcpErrorDetail
