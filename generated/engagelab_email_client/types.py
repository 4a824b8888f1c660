"""Contains some shared types for properties"""

import datetime
import enum
from collections.abc import Callable, Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


class FieldError(ValueError):
    """A field of a response that does not fit the spec: ``where`` names it (``content[3]``,
    ``blockDate``...)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


_fromisoformat = datetime.datetime.fromisoformat
_fromtimestamp = datetime.datetime.fromtimestamp
_UTC = datetime.UTC
ENGAGELAB_ZONE = datetime.timezone(datetime.timedelta(hours=8))
"""The zone of EngageLab times sent without an offset (``2021-03-01 17:24:34``): the offset its
other times carry (``+08:00``). An assumption: no page states it."""


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
_timedelta = datetime.timedelta


def parse_nes_time(value: Any, field: str) -> datetime.datetime:
    """A NAVER ``NesDateTime`` (``{"utc": epoch ms, ...}``) as an aware datetime in UTC."""
    try:
        utc = value["utc"]
        # The float division is exact to the millisecond until about 2200 and three times
        # faster than the exact sum; a moment it rounded off a whole millisecond is recomputed.
        moment = _fromtimestamp(utc / 1000, _UTC)
        return (
            moment
            if not moment.microsecond % 1000
            else _EPOCH + _timedelta(0, 0, 0, utc)
        )
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise FieldError(
            field, f"not a NesDateTime with a utc in epoch milliseconds: {value!r}"
        ) from None


def nes_time_json(value: datetime.datetime) -> dict[str, Any]:
    """An aware datetime as the ``NesDateTime`` NAVER sends (its ``utc`` only)."""
    return {"utc": round(value.timestamp() * 1000)}


def parse_engagelab_time(value: Any, field: str) -> datetime.datetime:
    """An EngageLab time in any shape it is sent (``...+08:00``, ``...+0800``, or without an
    offset, then in :data:`ENGAGELAB_ZONE`) as an aware datetime."""
    try:
        parsed = _fromisoformat(value)
    except (TypeError, ValueError):
        raise FieldError(field, f"not an EngageLab time: {value!r}") from None
    return (
        parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ENGAGELAB_ZONE)
    )


def engagelab_time_key(value: Any) -> Any:
    """What an EngageLab time read lazily compares by: its instant, whether it was read yet or
    is still the wire string."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return parse_engagelab_time(value, "time")


def engagelab_time_json(value: datetime.datetime) -> str:
    """An aware datetime as EngageLab's lists send it (``2021-01-12T17:03:23+08:00``)."""
    return value.isoformat()


def parse_items(parse: Callable[[Any], T], items: Any, field: str) -> list[T]:
    """Every item of a list read by ``parse``; one that does not fit fails the whole list,
    naming its index and the field (an item is never dropped)."""
    try:
        return list(map(parse, items))
    except (KeyError, TypeError, ValueError, AttributeError):
        if not isinstance(items, list):
            raise FieldError(field, f"not a list: {type(items).__name__}") from None
        for index, item in enumerate(items):
            try:
                parse(item)
            except KeyError as error:
                raise FieldError(
                    f"{field}[{index}]", f"required field {error.args[0]!r} is missing"
                ) from error
            except (TypeError, ValueError, AttributeError) as error:
                raise FieldError(f"{field}[{index}]", str(error)) from error
        raise


class UnsubscribeType(enum.IntEnum):
    """The values the provider's page lists; a field typed ``UnsubscribeType | int``
    keeps other values as they came."""

    NOT_WANTED = 0
    """I don't want to receive such email anymore"""
    NEVER_SUBSCRIBED = 1
    """I didn't subscribe to it"""
    SPAM = 2
    """This is a spam email"""
    FRAUD = 3
    """This is a fraud email, I want to report it"""


UNSUBSCRIBE_TYPE_MEMBERS: dict[Any, UnsubscribeType] = {
    member.value: member for member in UnsubscribeType
}
"""The members of :class:`UnsubscribeType` by value: the models read a ``int`` through it,
keeping a value it does not hold (or one of another type) as it came."""


__all__ = [
    "ENGAGELAB_ZONE",
    "UNSET",
    "UNSUBSCRIBE_TYPE_MEMBERS",
    "FieldError",
    "File",
    "FileTypes",
    "RequestFiles",
    "Response",
    "Unset",
    "UnsubscribeType",
    "engagelab_time_json",
    "engagelab_time_key",
    "nes_time_json",
    "parse_engagelab_time",
    "parse_items",
    "parse_nes_time",
]
