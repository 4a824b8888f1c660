"""from_dict of the models on the hot paths (a page of 100 items), against an oracle written here.

The generated from_dict finds unknown keys by counting the known keys it read (see
scripts/generator/templates/model.py.jinja); these properties pin what that must keep: every key
the spec does not know lands in additional_properties and no known key does, an absent optional
field is None, an absent required field raises KeyError, a time reads as the aware datetime it
names and a listed value as its enum member (an unknown one as it came), and ``raw`` is the mapping
read. The oracle is this module's own table of each model's JSON keys, not the generated code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from engagelab_email_client.models import Unsubscribe, UnsubscribeList
from engagelab_email_client.types import UnsubscribeType
from hypothesis import given
from hypothesis import strategies as st
from ncp_mailer_client.models import NesDateTime, Sort, Unsubscriber, UnsubscriberPage

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


UTC8 = dt.timezone(dt.timedelta(hours=8))
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# epoch milliseconds from 1971 to 9000: cheap to draw (a page holds many)
MILLISECONDS = st.integers(min_value=31_536_000_000, max_value=221_845_392_000_000)


@st.composite
def nes_times(draw: st.DrawFn) -> tuple[Any, dt.datetime]:
    """A NesDateTime as NAVER sends it, and the instant it names."""
    utc = draw(MILLISECONDS)
    return {"utc": utc, "formattedDate": "ignored"}, EPOCH + dt.timedelta(milliseconds=utc)


SHAPES = ("%Y-%m-%dT%H:%M:%S+08:00", "%Y-%m-%dT%H:%M:%S+0800", "%Y-%m-%d %H:%M:%S")


@st.composite
def engagelab_times(draw: st.DrawFn) -> tuple[Any, dt.datetime]:
    """An EngageLab time in one of the shapes it is sent, and the instant it names."""
    moment = (EPOCH + dt.timedelta(seconds=draw(MILLISECONDS) // 1000)).astimezone(UTC8)
    return moment.strftime(draw(st.sampled_from(SHAPES))), moment


@st.composite
def unsubscribe_types(draw: st.DrawFn) -> tuple[Any, Any]:
    """A ``type``: listed (its member), or any other JSON value (kept as it came)."""
    value = draw(st.sampled_from([0, 1, 2, 3]) | JSON)
    member = UnsubscribeType(value) if type(value) is int and 0 <= value <= 3 else value
    return value, member


@dataclass(frozen=True)
class Field:
    """One JSON key of a model: the attribute it fills, and the model (or list of) it holds, or
    the (JSON, value read) pairs of a time or an enum."""

    key: str
    attribute: str
    required: bool
    model: Model | None = None
    is_list: bool = False
    read: Callable[[], st.SearchStrategy[tuple[Any, Any]]] | None = None


@dataclass(frozen=True)
class Model:
    """What the spec says of one object: its class and its fields."""

    cls: type[Any]
    fields: tuple[Field, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(field.key for field in self.fields)


NES_DATE_TIME = Model(
    NesDateTime,
    (
        Field("utc", "utc", required=True),
        Field("formattedDate", "formatted_date", required=False),
        Field("formattedDateTime", "formatted_date_time", required=False),
    ),
)
UNSUBSCRIBER = Model(
    Unsubscriber,
    (
        Field("address", "address", required=True),
        Field("blockDate", "block_date", required=True, read=nes_times),
        Field("isRegByManager", "is_reg_by_manager", required=True),
    ),
)
SORT = Model(
    Sort,
    (
        Field("direction", "direction", required=True),
        Field("property", "property_", required=True),
        Field("ignoreCase", "ignore_case", required=False),
        Field("nullHandling", "null_handling", required=False),
        Field("ascending", "ascending", required=False),
        Field("descending", "descending", required=False),
    ),
)
UNSUBSCRIBER_PAGE = Model(
    UnsubscriberPage,
    (
        *(
            Field(key, attribute, required=True)
            for key, attribute in [
                ("last", "last"),
                ("totalElements", "total_elements"),
                ("totalPages", "total_pages"),
                ("first", "first"),
                ("numberOfElements", "number_of_elements"),
                ("size", "size"),
                ("number", "number"),
            ]
        ),
        Field("sort", "sort", required=True, model=SORT, is_list=True),
        Field("content", "content", required=False, model=UNSUBSCRIBER, is_list=True),
    ),
)
UNSUBSCRIBE = Model(
    Unsubscribe,
    (
        Field("email", "email", required=True),
        Field("api_user", "api_user", required=False),
        Field("type", "type_", required=False, read=unsubscribe_types),
        Field("unsubscribe_time", "unsubscribe_time", required=False, read=engagelab_times),
        Field("expire_time", "expire_time", required=False, read=engagelab_times),
    ),
)
UNSUBSCRIBE_LIST = Model(
    UnsubscribeList,
    (
        Field("result", "result", required=True, model=UNSUBSCRIBE, is_list=True),
        Field("count", "count", required=True),
        Field("total", "total", required=True),
    ),
)
MODELS = [NES_DATE_TIME, UNSUBSCRIBER, UNSUBSCRIBER_PAGE, UNSUBSCRIBE, UNSUBSCRIBE_LIST]


def _value(field: Field) -> st.SearchStrategy[Any]:
    if field.read is not None:
        return field.read().map(lambda pair: pair[0])
    if field.model is None:
        return JSON
    if field.is_list:
        return st.lists(objects(field.model), max_size=3)
    return objects(field.model)


@st.composite
def objects(draw: st.DrawFn, model: Model) -> dict[str, Any]:
    """A JSON object for ``model``: every required key, some optional ones, some unknown ones."""
    data = {
        field.key: draw(_value(field))
        for field in model.fields
        if field.required or draw(st.booleans())
    }
    unknown = st.text(max_size=12).filter(lambda key: key not in model.keys)
    extra = draw(st.dictionaries(unknown, JSON, max_size=3))
    # the unknown keys go anywhere among the known ones: order must not matter
    items = draw(st.permutations([*data.items(), *extra.items()]))
    return dict(items)


def check(model: Model, data: dict[str, Any], parsed: Any) -> None:
    """``parsed`` is what the spec makes of ``data``, at every depth."""
    assert type(parsed) is model.cls
    assert parsed.raw is data
    for field in model.fields:
        value = getattr(parsed, field.attribute)
        if field.key not in data or (data[field.key] is None and not field.required):
            assert value is None
        elif field.read is not None:
            assert value == read(field, data[field.key])
            if isinstance(value, dt.datetime):
                assert value.utcoffset() is not None
        elif field.model is None:
            assert value is data[field.key]
        elif field.is_list:
            assert len(value) == len(data[field.key])
            for item, parsed_item in zip(data[field.key], value, strict=True):
                check(field.model, item, parsed_item)
        else:
            check(field.model, data[field.key], value)
    assert parsed.additional_properties == {
        key: value for key, value in data.items() if key not in model.keys
    }


def read(field: Field, value: Any) -> Any:
    """What ``field`` reads ``value`` as: the oracle's own conversions."""
    if field.read is nes_times:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=value["utc"])
    if field.read is engagelab_times:
        moment = dt.datetime.strptime(value[:19].replace("T", " "), "%Y-%m-%d %H:%M:%S")
        return moment.replace(tzinfo=UTC8)
    return UnsubscribeType(value) if type(value) is int and 0 <= value <= 3 else value


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.cls.__name__)
@given(data=st.data())
def test_from_dict_reads_known_fields_and_keeps_unknown_ones(
    model: Model, data: st.DataObject
) -> None:
    """Known keys fill their fields (absent optional ones are None), the rest is additional."""
    source = data.draw(objects(model))
    check(model, source, model.cls.from_dict(source))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.cls.__name__)
@given(data=st.data())
def test_from_dict_raises_key_error_without_a_required_field(
    model: Model, data: st.DataObject
) -> None:
    """An object missing a required key is refused, even when unknown keys make up the count."""
    source = data.draw(objects(model))
    required = [field.key for field in model.fields if field.required]
    missing = data.draw(st.sampled_from(required))
    stand_in = data.draw(st.text(max_size=12).filter(lambda key: key not in model.keys))
    source = {key: value for key, value in source.items() if key != missing}
    source[stand_in] = None
    with pytest.raises(KeyError, match=missing):
        model.cls.from_dict(source)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.cls.__name__)
@given(data=st.data())
def test_from_dict_keeps_unknown_keys_that_stand_in_for_absent_optional_ones(
    model: Model, data: st.DataObject
) -> None:
    """As many unknown keys as absent optional ones (the same count of keys) are still kept."""
    source = {key: value for key, value in data.draw(objects(model)).items() if key in model.keys}
    absent = [field.key for field in model.fields if field.key not in source]
    unknown = st.text(max_size=12).filter(lambda key: key not in model.keys)
    extra = data.draw(st.dictionaries(unknown, JSON, min_size=len(absent), max_size=len(absent)))
    source |= extra
    check(model, source, model.cls.from_dict(source))
