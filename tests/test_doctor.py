"""`mailoptout doctor` / `mailoptout.doctor()` against the emulator: every check both ways.

Each setup problem (wrong secret, skewed clock, 77202, wrong base path, wrong EngageLab key) and
each emulator variant that breaks one of the specs' guesses must be named in one line.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock
from hypothesis import given, settings
from hypothesis import strategies as st
from mailoptout import InvalidInputError
from mailoptout._doctor import (
    Check,
    DoctorReport,
    MemoryCleanupRecord,
    Pending,
    ProviderSetup,
    StoreCleanupRecord,
    doctor,
)
from mailoptout._mirror import Mirror
from mailoptout.emulator import (
    DEFAULT_ENGAGELAB_API_KEY,
    DEFAULT_ENGAGELAB_API_USER,
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    VARIANTS,
    EmulatorState,
    EngageLabEntry,
    SyncASGITransport,
    create_app,
    serve_in_thread,
)

USER = DEFAULT_ENGAGELAB_API_USER
TEST_ADDRESS = "doctor-test@example.com"
PLANTED = "planted-secret-0123456789"


def seed(state: EmulatorState) -> EmulatorState:
    """Three entries on every list, within the last 3 months of the state's clock."""
    now = dt.datetime.fromtimestamp(state.clock(), tz=dt.UTC)
    for i in range(3):
        at = now - dt.timedelta(days=10 * (i + 1))
        state.ncp_register(
            DEFAULT_NCP_ACCESS_KEY, [f"n{i}@example.com"], at_ms=int(at.timestamp() * 1000)
        )
        state.engagelab_seed(
            [EngageLabEntry(f"u{i}@example.com", USER, 0, at, now + dt.timedelta(days=400))]
        )
        for kind in ("complaints", "blocks", "no_interceptions"):
            state.suppressions.add(kind, USER, f"{kind[:2]}{i}@example.com", at=at)
    return state


def ncp_setup(
    base_url: str = "http://emulator/api/v1", secret: str = DEFAULT_NCP_SECRET_KEY
) -> ProviderSetup:
    return ProviderSetup(
        "ncp", (DEFAULT_NCP_ACCESS_KEY, secret), "arguments", base_url, "custom base URL"
    )


def engagelab_setup(
    base_url: str = "http://emulator", key: str = DEFAULT_ENGAGELAB_API_KEY
) -> ProviderSetup:
    return ProviderSetup("engagelab", (USER, key), "arguments", base_url, "custom base URL")


def run(state: EmulatorState, clock: Any, **options: Any) -> DoctorReport:
    options.setdefault("ncp", ncp_setup())
    options.setdefault("engagelab", engagelab_setup())
    with SyncASGITransport(create_app(state)) as transport:
        return doctor(transport=transport, clock=clock, **options)


def named(report: DoctorReport, provider: str | None, name: str) -> Check:
    found = [c for c in report.checks if c.provider == provider and c.name == name]
    assert len(found) == 1, [c.line() for c in report.checks]
    return found[0]


def one_line(check: Check) -> str:
    line = check.line()
    assert "\n" not in line
    return line


EXPECTED_NCP = {
    "credentials",
    "base URL",
    "connection",
    "clock",
    "auth",
    "subscription",
    "ncp/unsubscribers shape",
    "spring page",
    "item fields",
    "date-time formats",
    "send-block status",
    "body limit",
    "write answers",
    "errors seen",
    "rate limits",
}
EXPECTED_ENGAGELAB = {
    "credentials",
    "base URL",
    "connection",
    "clock",
    "auth",
    "engagelab/unsubscribes shape",
    "engagelab/complaints shape",
    "engagelab/blocks shape",
    "engagelab/no_interceptions shape",
    "default window",
    "blocks offset",
    "no_interceptions offset",
    "allow-list window",
    "complaints window",
    "unsubscribes by entry",
    "complaints by entry",
    "blocks by entry",
    "error codes",
    "write bodies",
    "block expiry",
    "plain times",
    "errors seen",
    "rate limits",
}


class TestHealthy:
    def test_every_check_is_listed_and_passes(self, state: EmulatorState, clock: FakeClock) -> None:
        """Against the seeded emulator: exit 0, every check listed, no guess refuted."""
        report = run(seed(state), clock)
        assert report.exit_code(strict=True) == 0, [c.line() for c in report.checks]
        assert {c.name for c in report.checks if c.provider == "ncp"} == EXPECTED_NCP
        assert {c.name for c in report.checks if c.provider == "engagelab"} == EXPECTED_ENGAGELAB
        assert not [
            c
            for c in report.checks
            if c.status == "not_checkable"
            and "needs --write-test" not in c.summary
            and c.name not in ("clock", "send-block status", "body limit", "write answers")
        ]

    def test_write_test_confirms_the_bodies_and_leaves_nothing(
        self, state: EmulatorState, clock: FakeClock
    ) -> None:
        """--write-test adds and removes the address; nothing is left on any list or record."""
        record = MemoryCleanupRecord()
        report = run(seed(state), clock, write_test=TEST_ADDRESS, cleanup_record=record)
        assert report.exit_code(strict=True) == 0, [c.line() for c in report.checks]
        for name in (
            "blocks write body",
            "no_interceptions write body",
            "block expiry",
            "plain times",
        ):
            assert named(report, "engagelab", name).status == "confirmed"
        assert "weak evidence" in named(report, "engagelab", "complaints delete body").summary
        assert record.pending() == []
        assert state.engagelab_intercepting(TEST_ADDRESS) == []
        assert all(
            e.key != TEST_ADDRESS
            for kind in ("blocks", "no_interceptions")
            for e in state.suppressions.entries(kind, USER)
        )


class TestSetupFailures:
    def test_wrong_secret(self, state: EmulatorState, clock: FakeClock) -> None:
        """A wrong NAVER secret: auth fails, naming the credentials and where they came from."""
        report = run(state, clock, ncp=ncp_setup(secret=PLANTED))
        assert report.exit_code() == 1
        line = one_line(named(report, "ncp", "auth"))
        assert "credentials refused (401" in line
        assert "NCLOUD_SECRET_KEY" in line
        assert PLANTED not in repr(report)

    def test_skewed_clock(self) -> None:
        """A clock 10 minutes ahead (over a socket, for the Date header): the clock is named."""
        state = EmulatorState()
        with serve_in_thread(create_app(state)) as root:
            report = doctor(
                ncp=ncp_setup(root + "/api/v1"),
                only="ncp",
                clock=lambda: time.time() + 600,
            )
        assert report.exit_code() == 1
        clock_line = one_line(named(report, "ncp", "clock"))
        assert "ahead of the server's" in clock_line
        assert "NTP" in clock_line
        assert "the clock is off" in named(report, "ncp", "auth").summary

    def test_not_subscribed(self, clock: FakeClock) -> None:
        """403/77202: the subscription check fails with the SENS note."""
        state = EmulatorState(clock=clock, ncp_not_subscribed={DEFAULT_NCP_ACCESS_KEY})
        report = run(state, clock, only="ncp")
        assert report.exit_code() == 1
        assert named(report, "ncp", "auth").status == "ok"
        line = one_line(named(report, "ncp", "subscription"))
        assert "77202" in line
        assert "SENS" in line

    def test_wrong_base_path(self, state: EmulatorState, clock: FakeClock) -> None:
        """A base URL whose path serves nothing (a bare 404): the base URL is named."""
        report = run(state, clock, only="ncp", ncp=ncp_setup("http://emulator/api/v2"))
        assert report.exit_code() == 1
        line = one_line(named(report, "ncp", "auth"))
        assert "base URL is wrong" in line
        assert "/api/v1-sgn" in line

    def test_wrong_engagelab_key(self, state: EmulatorState, clock: FakeClock) -> None:
        """A wrong EngageLab key: 401 and code 30000, naming the variables to check."""
        report = run(state, clock, only="engagelab", engagelab=engagelab_setup(key=PLANTED))
        assert report.exit_code() == 1
        line = one_line(named(report, "engagelab", "auth"))
        assert "30000" in line
        assert "ENGAGELAB_API_KEY" in line
        assert PLANTED not in repr(report)

    def test_unreachable(self, clock: FakeClock) -> None:
        """Nothing listening: the connection check names the host."""
        report = doctor(
            only="engagelab",
            engagelab=engagelab_setup("http://127.0.0.1:9"),
            clock=clock,
            timeout=2,
        )
        assert report.exit_code() == 1
        assert "cannot connect to 127.0.0.1" in one_line(named(report, "engagelab", "connection"))

    def test_no_credentials(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No credentials anywhere: one failure saying what to set; nothing is sent."""
        for name in (
            "NCLOUD_ACCESS_KEY",
            "NCLOUD_SECRET_KEY",
            "ENGAGELAB_API_USER",
            "ENGAGELAB_API_KEY",
        ):
            monkeypatch.delenv(name, raising=False)
        report = doctor()
        assert report.exit_code() == 1
        assert "profile write" in one_line(named(report, None, "providers"))
        assert {c.status for c in report.checks if c.name == "credentials"} == {"skipped"}


class TestWriteTest:
    def test_refuses_an_address_on_a_list(self, state: EmulatorState, clock: FakeClock) -> None:
        """An address already on a list is refused before any write."""
        seed(state)
        state.suppressions.add("complaints", USER, TEST_ADDRESS)
        record = MemoryCleanupRecord()
        report = run(state, clock, write_test=TEST_ADDRESS, cleanup_record=record)
        assert report.exit_code() == 1
        assert "engagelab/complaints" in one_line(named(report, None, "write test"))
        assert record.pending() == []
        assert state.engagelab_intercepting(TEST_ADDRESS) == ["complaints"]

    def test_cleanup_finishes_an_interrupted_run(
        self, state: EmulatorState, clock: FakeClock
    ) -> None:
        """What an interrupted write test left is named, then removed by cleanup."""
        state.suppressions.add("blocks", USER, TEST_ADDRESS)
        record = MemoryCleanupRecord()
        record.add(Pending("engagelab", "blocks", TEST_ADDRESS))
        left = run(state, clock, cleanup_record=record)
        assert "doctor --cleanup" in one_line(named(left, None, "cleanup"))
        assert left.exit_code() == 1
        done = run(state, clock, cleanup=True, cleanup_record=record)
        assert named(done, "engagelab", "cleanup").status == "ok"
        assert record.pending() == []
        assert state.engagelab_intercepting(TEST_ADDRESS) == []

    def test_bad_address_is_refused_before_sending(self) -> None:
        """A write-test value that is no address is an input error."""
        with pytest.raises(InvalidInputError, match="not-an-address"):
            doctor(write_test="not-an-address", cleanup_record=MemoryCleanupRecord())


def test_cli_over_a_socket(tmp_path: Any) -> None:
    """`mailoptout doctor --json` against a served emulator: exit 0, one JSON object per check;
    with a wrong key, exit 1 and one stderr line naming it, the key never shown."""
    state = seed(EmulatorState())
    with serve_in_thread(create_app(state)) as root:
        env = {
            **os.environ,
            "NCLOUD_ACCESS_KEY": DEFAULT_NCP_ACCESS_KEY,
            "NCLOUD_SECRET_KEY": DEFAULT_NCP_SECRET_KEY,
            "ENGAGELAB_API_USER": USER,
            "ENGAGELAB_API_KEY": DEFAULT_ENGAGELAB_API_KEY,
            "MAILOPTOUT_NCP_BASE_URL": root + "/api/v1",
            "MAILOPTOUT_ENGAGELAB_BASE_URL": root,
            "MAILOPTOUT_PROFILE": str(tmp_path / "none.toml"),
        }
        command = [
            sys.executable,
            "-m",
            "mailoptout",
            "doctor",
            "--store",
            str(tmp_path / "m.sqlite3"),
        ]
        ok = subprocess.run(
            [*command, "--json"], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        bad = subprocess.run(
            [*command, "--only", "engagelab"],
            env={**env, "ENGAGELAB_API_KEY": PLANTED},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert ok.returncode == 0, ok.stderr
    checks = [json.loads(line) for line in ok.stdout.splitlines()]
    assert {c["name"] for c in checks if c["provider"] == "ncp"} == EXPECTED_NCP
    assert named_clock_ok(checks)
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1, bad.stderr
    assert "ENGAGELAB_API_KEY" in bad.stderr
    assert PLANTED not in bad.stdout + bad.stderr


def named_clock_ok(checks: list[dict[str, Any]]) -> bool:
    return all(c["status"] == "ok" for c in checks if c["name"] == "clock")


GUESS_VARIANTS = {
    # variant: (provider, check, words the line must hold, needs --write-test)
    "ncp-strict-datetime": ("ncp", "date-time formats", "yyyy-MM-dd HH:mm:ss.SSS", False),
    "ncp-page-without-totals": ("ncp", "spring page", "totalElements, totalPages", False),
    "ncp-items-without-flag": ("ncp", "item fields", "without isRegByManager", False),
    "engagelab-page-without-total": (
        "engagelab",
        "engagelab/unsubscribes shape",
        "'total' is a required property",
        False,
    ),
    "engagelab-default-window-all": ("engagelab", "default window", "not the last 3 months", False),
    "engagelab-offset-is-page": ("engagelab", "blocks offset", "not the start position", False),
    "engagelab-allow-list-window": ("engagelab", "allow-list window", "was refused", False),
    "engagelab-complaints-no-window": ("engagelab", "complaints window", "no 3-month rule", False),
    "engagelab-email-respects-dates": (
        "engagelab",
        "complaints by entry",
        "applies the dates",
        False,
    ),
    "engagelab-error-codes": ("engagelab", "error codes", "carries code 10400", False),
    "engagelab-plain-times-utc": ("engagelab", "plain times", "-8.0 h off", True),
    "engagelab-body-field-email": ("engagelab", "blocks write body", "guessed body failed", True),
    "engagelab-blocks-expire": ("engagelab", "block expiry", "expires at", True),
}


def test_every_guess_variant_is_tested() -> None:
    """Each doctor variant of the emulator's registry has its case below."""
    assert set(GUESS_VARIANTS) == set(VARIANTS) - {"lowercase-storage"}


@pytest.mark.parametrize("variant", list(GUESS_VARIANTS))
def test_a_provider_breaking_a_guess_is_named(variant: str, clock: FakeClock) -> None:
    """Under a variant that breaks one guess, the doctor lists that guess as refuted, in one
    line saying how; --strict then exits 1."""
    provider, name, words, writes = GUESS_VARIANTS[variant]
    state = seed(EmulatorState(clock=clock, variants=frozenset({variant})))
    old = dt.datetime.fromtimestamp(clock(), tz=dt.UTC) - dt.timedelta(days=400)
    state.engagelab_seed(
        [EngageLabEntry("old@example.com", USER, 0, old, old + dt.timedelta(days=4000))]
    )
    extra: dict[str, Any] = (
        {"write_test": TEST_ADDRESS, "cleanup_record": MemoryCleanupRecord()} if writes else {}
    )
    report = run(state, clock, **extra)
    check = named(report, provider, name)
    assert check.status == "refuted", [c.line() for c in report.checks]
    assert words in one_line(check)
    assert report.exit_code(strict=True) == 1
    others = [
        c.line()
        for c in report.refuted
        if c is not check and c.name not in RELATED.get(variant, ())
    ]
    assert others == []


RELATED = {
    # checks a variant also refutes, through the same behaviour
    "ncp-page-without-totals": ("ncp/unsubscribers shape",),
    "ncp-items-without-flag": ("ncp/unsubscribers shape",),
    "engagelab-page-without-total": ("default window",),
    "engagelab-offset-is-page": ("no_interceptions offset",),
    "engagelab-email-respects-dates": ("unsubscribes by entry", "blocks by entry"),
    "engagelab-body-field-email": ("no_interceptions write body",),
}


@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.sampled_from(["blocks", "no_interceptions"]),
            st.sampled_from(["a@x.com", "b@x.com"]),
        )
    )
)
@settings(max_examples=40, deadline=None)
def test_the_cleanup_record_keeps_what_is_not_done(steps: list[tuple[bool, str, str]]) -> None:
    """The cleanup record in the store holds exactly the entries added and not yet done."""
    with tempfile.TemporaryDirectory() as folder, Mirror.open(Path(folder) / "m.sqlite3") as store:
        record = StoreCleanupRecord(store)
        model: list[Pending] = []
        for add, name, entry in steps:
            item = Pending("engagelab", name, entry)
            if add:
                record.add(item)
                model += [] if item in model else [item]
            else:
                record.done(item)
                model = [other for other in model if other != item]
            assert sorted(record.pending(), key=repr) == sorted(model, key=repr)


def test_cli_usage_errors_name_the_option(tmp_path: Any) -> None:
    """A bad --write-test address or --only value: one line naming the option, exit 2."""
    for option, value in (("--write-test", "not-an-address"), ("--only", "sens")):
        done = subprocess.run(
            [sys.executable, "-m", "mailoptout", "doctor", option, value],
            env={**os.environ, "MAILOPTOUT_PROFILE": str(tmp_path / "none.toml")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1, done.stderr
        assert option in done.stderr


def test_cli_cleanup_record_lives_in_the_store(tmp_path: Any) -> None:
    """An entry an interrupted write test left, noted in the store: `doctor` names it (exit 1),
    `doctor --cleanup` removes it and clears the note; `--write-test` then leaves nothing."""
    store = tmp_path / "mirror.sqlite3"
    state = seed(EmulatorState())
    state.suppressions.add("blocks", USER, TEST_ADDRESS)
    with Mirror.open(store) as mirror:
        StoreCleanupRecord(mirror).add(Pending("engagelab", "blocks", TEST_ADDRESS))
    with serve_in_thread(create_app(state)) as root:
        env = {
            **os.environ,
            "ENGAGELAB_API_USER": USER,
            "ENGAGELAB_API_KEY": DEFAULT_ENGAGELAB_API_KEY,
            "MAILOPTOUT_ENGAGELAB_BASE_URL": root,
            "MAILOPTOUT_PROFILE": str(tmp_path / "none.toml"),
        }
        command = [sys.executable, "-m", "mailoptout", "doctor", "--only", "engagelab"]
        command += ["--store", str(store)]

        def doctor_cli(*extra: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*command, *extra],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )

        left = doctor_cli()
        cleaned = doctor_cli("--cleanup")
        written = doctor_cli("--write-test", TEST_ADDRESS)
    assert left.returncode == 1
    assert "doctor --cleanup" in left.stderr
    assert cleaned.returncode == 0, cleaned.stderr
    assert written.returncode == 0, written.stderr + written.stdout
    assert state.engagelab_intercepting(TEST_ADDRESS) == []
    with Mirror.open(store, read_only=True) as mirror:
        assert StoreCleanupRecord(mirror).pending() == []
