from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Block")

_KNOWN_KEYS = frozenset(
    {"email_or_domain", "block_id", "api_user", "create_time", "expire_time"}
)


@_attrs_define
class Block:
    """An address or receiving domain on the block list (only `email_or_domain` is relied on)."""

    email_or_domain: str
    """ Blocked email address or receiving domain. """
    block_id: int | Unset = UNSET
    """ Id of the entry. """
    api_user: str | Unset = UNSET
    """ The API_USER that blocked it (`all`: every API_USER). """
    create_time: str | Unset = UNSET
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists), `yyyy-MM-dd HH:mm:ss` (add) or an offset without a
    colon (`+0800`, bounces and complaints). Use `mailoptout.engagelab_time()` for a
    timezone-aware datetime.
     """
    expire_time: str | Unset = UNSET
    """ `yyyy-MM-ddTHH:mm:ss+hh:mm` (lists), `yyyy-MM-dd HH:mm:ss` (add) or an offset without a
    colon (`+0800`, bounces and complaints). Use `mailoptout.engagelab_time()` for a
    timezone-aware datetime.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email_or_domain = self.email_or_domain

        block_id = self.block_id

        api_user = self.api_user

        create_time = self.create_time

        expire_time = self.expire_time

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email_or_domain": email_or_domain,
            }
        )
        if block_id is not UNSET:
            field_dict["block_id"] = block_id
        if api_user is not UNSET:
            field_dict["api_user"] = api_user
        if create_time is not UNSET:
            field_dict["create_time"] = create_time
        if expire_time is not UNSET:
            field_dict["expire_time"] = expire_time

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        email_or_domain = src_dict["email_or_domain"]

        block_id = src_dict.get("block_id", UNSET)

        api_user = src_dict.get("api_user", UNSET)

        create_time = src_dict.get("create_time", UNSET)

        expire_time = src_dict.get("expire_time", UNSET)

        block = cls(
            email_or_domain,
            block_id,
            api_user,
            create_time,
            expire_time,
        )

        if len(src_dict) != (
            1
            + (block_id is not UNSET)
            + (api_user is not UNSET)
            + (create_time is not UNSET)
            + (expire_time is not UNSET)
        ):
            d = {
                key: value for key, value in src_dict.items() if key not in _KNOWN_KEYS
            }
            block.additional_properties = d
        return block

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
