"""Time helpers and client configuration."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailoptout import (
    ConfigurationError,
    EngageLab,
    InvalidInputError,
    NcpMailer,
    UnsubscribeType,
    engagelab_base_url,
    engagelab_time,
    ncp_base_url,
    nes_datetime,
)
from mailoptout._time import add_months
from ncp_mailer_client.models import NesDateTime


def test_nes_datetime_from_the_api_docs_example() -> None:
    """utc 1593076560930 is 2020-06-25 18:16:00.930 in KST, as formattedDateTime says."""
    value = NesDateTime(
        utc=1593076560930,
        formatted_date="2020-06-25",
        formatted_date_time="2020-06-25 18:16:00 930",
    )
    moment = nes_datetime(value)
    assert moment.tzinfo is not None
    assert (
        moment.astimezone(dt.timezone(dt.timedelta(hours=9))).strftime("%Y-%m-%d %H:%M:%S")
        == "2020-06-25 18:16:00"
    )


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2021-01-12T17:03:23+08:00", "2021-01-12T09:03:23+00:00"),
        ("2014-11-19 10:57:24", "2014-11-19T02:57:24+00:00"),
    ],
)
def test_both_engagelab_shapes(text: str, iso: str) -> None:
    """Both shapes the server sends become aware datetimes (naive ones in +08:00)."""
    assert engagelab_time(text).astimezone(dt.UTC).isoformat() == iso


offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@given(st.datetimes(timezones=offsets))
def test_engagelab_time_round_trip(moment: dt.datetime) -> None:
    """What the list sends (RFC 3339 with a fixed offset) reads back as the same instant."""
    sent = moment.replace(microsecond=0)
    assert engagelab_time(sent.isoformat()) == sent


def test_bad_time_names_the_value() -> None:
    """An unreadable time is an error naming it."""
    with pytest.raises(InvalidInputError, match="yesterday"):
        engagelab_time("yesterday")


def test_unsubscribe_types() -> None:
    """The four documented reasons."""
    assert [t.value for t in UnsubscribeType] == [0, 1, 2, 3]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 1, 1)), st.integers(0, 40))
def test_add_months(day: dt.date, months: int) -> None:
    """Calendar months: the month moves by ``months``, the day is kept or clamped."""
    got = add_months(day, months)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == months
    assert got.day == day.day or (got.day < day.day and (got + dt.timedelta(days=1)).day == 1)


def test_all_six_naver_base_urls() -> None:
    """Region and zone choose the documented base URLs."""
    assert ncp_base_url() == "https://mail.apigw.ntruss.com/api/v1"
    assert ncp_base_url("JPN", "government") == "https://mail.apigw.gov-ntruss.com/api/v1-jpn"
    with pytest.raises(ConfigurationError, match="'EU'"):
        ncp_base_url("EU")
    assert engagelab_base_url() == "https://email.api.engagelab.cc"


def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without arguments, credentials come from the documented variables."""
    monkeypatch.setenv("NCLOUD_ACCESS_KEY", "ak")
    monkeypatch.setenv("NCLOUD_SECRET_KEY", "sk")
    monkeypatch.setenv("ENGAGELAB_API_USER", "user")
    monkeypatch.setenv("ENGAGELAB_API_KEY", "key")
    assert NcpMailer(region="SGN").base_url.endswith("/api/v1-sgn")
    assert EngageLab(region="turkey").api_user == "user"


@pytest.mark.parametrize("missing", ["NCLOUD_ACCESS_KEY", "NCLOUD_SECRET_KEY"])
def test_missing_credential_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    """The error names the variable to set."""
    monkeypatch.setenv("NCLOUD_ACCESS_KEY", "ak")
    monkeypatch.setenv("NCLOUD_SECRET_KEY", "sk")
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigurationError, match=missing):
        NcpMailer()


def test_reversed_range_is_refused(ncp: NcpMailer, engagelab: EngageLab) -> None:
    """A start after the end is an error before anything is sent."""
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(InvalidInputError, match="after"):
        ncp.unsubscribers(start=now, end=now - dt.timedelta(days=1))
    with pytest.raises(InvalidInputError, match="after"):
        engagelab.unsubscribes(dt.date(2025, 2, 1), dt.date(2025, 1, 1))
    with pytest.raises(InvalidInputError, match="timezone"):
        ncp.unsubscribers(start=dt.datetime(2025, 1, 1))
