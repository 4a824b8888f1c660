"""The console script in a shell: wrong invocations, signals, pipes, profiles, logs.

Every test runs the installed ``mailoptout`` as a subprocess against the emulator over a socket.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import pty
import re
import signal
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailoptout.emulator import DEFAULT_NCP_ACCESS_KEY, EmulatorState, Faults
from test_cli import SCRIPT, TODAY, Server, serve
from test_sync import seed_engagelab

UNCHANGED = "the profile was not changed"
FAULTS = Faults(rate_429=0.1, retry_after="0", rate_5xx=0.1, seed=7)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from serve(EmulatorState(), tmp_path)


def _files(tmp_path: Path) -> dict[str, str]:
    """Bad input files: not UTF-8, a CSV field over csv's limit, an unreadable profile."""
    (tmp_path / "latin1.txt").write_bytes(b"ok@example.com\nm\xfcller@example.com\n")
    (tmp_path / "huge.csv").write_text("name,email\nx," + "y" * 140_000 + "\n")
    (tmp_path / "binary.toml").write_bytes(b'[ncp]\naccess_key = "\xff\xfe"\n')
    (tmp_path / "binary.toml").chmod(0o600)
    (tmp_path / "empty.txt").write_text("# nothing here\n\n")
    return {name: str(tmp_path / name) for name in ("latin1.txt", "huge.csv", "empty.txt")}


NO_CREDENTIALS = {"NCLOUD_ACCESS_KEY": "", "NCLOUD_SECRET_KEY": ""}

# (arguments, what the one stderr line must name, extra environment, stdin)
WRONG: list[tuple[list[str], str, dict[str, str], bytes | None]] = [
    (["nope"], "'nope'", {}, None),
    (["ncp", "list", "--frobnicate"], "--frobnicate", {}, None),
    (["--frobnicate", "ncp", "list"], "--frobnicate", {}, None),
    (["sync"], "'SOURCE'", {}, None),
    (["sync", "--from", "ncp"], "'TARGET'", {}, None),
    (["sync", "--from", "ncp", "--to", "ncp"], "'ncp'", {}, None),
    (["sync", "--from", "engagelab", "--to", "ncp", "--chunk-size", "0"], "--chunk-size", {}, None),
    (["ncp", "list", "--limit", "0"], "--limit", {}, None),
    (["ncp", "list", "--limit", "many"], "'many'", {}, None),
    (["ncp", "list", "--since", "2025-13-01"], "'2025-13-01'", {}, None),
    (["ncp", "list", "--since", "9999-11-01", "--until", "9999-12-31"], "'9999-11-01'", {}, None),
    (
        ["engagelab", "list", "--since", "9999-11-01", "--until", "9999-12-31"],
        "'9999-11-01'",
        {},
        None,
    ),
    (["ncp", "list", "--since", "0001-01-01"], "'0001-01-01'", {}, None),
    (["engagelab", "list", "--since", "0001-01-01"], "'0001-01-01'", {}, None),
    (["engagelab", "add", "a@example.com"], "'--expire'", {}, None),
    (["engagelab", "add", "a@example.com", "--expire", "soon"], "'soon'", {}, None),
    (["engagelab", "delete"], "--since", {}, None),
    (["ncp", "send-block"], "'ADDRESS'", {}, None),
    (["ncp", "send-block", "nobody"], "'nobody'", {}, None),
    (["ncp", "register"], "no addresses", {}, None),
    (["ncp", "register", "--file", "/nonexistent/list.txt"], "/nonexistent/list.txt", {}, None),
    (["ncp", "delete", "--file", "{latin1.txt}"], "not UTF-8", {}, None),
    (["ncp", "register", "--file", "-"], "stdin is not UTF-8", {}, b"a@example.com\n\xff\xfe\n"),
    (["ncp", "register", "--file", "{huge.csv}"], "field larger than field limit", {}, None),
    (["ncp", "register", "--file", "{empty.txt}"], "no addresses", {}, None),
    (["ncp", "register", "--file", "{latin1.txt}", "--column", "mail"], "not UTF-8", {}, None),
    (["--ncp-base-url", "http://[::1", "ncp", "list"], "'http://[::1'", {}, None),
    (["ncp", "list"], "'ftp://x'", {"MAILOPTOUT_NCP_BASE_URL": "ftp://x"}, None),
    (["ncp", "list"], "'abc'", {"MAILOPTOUT_MAX_RETRIES": "abc"}, None),
    (["ncp", "list"], "-1 is not in the range", {"MAILOPTOUT_MAX_RETRIES": "-1"}, None),
    (["ncp", "list"], "NCLOUD_ACCESS_KEY", NO_CREDENTIALS, None),
    (["ncp", "list"], "'moon'", {"NCLOUD_REGION": "moon", "MAILOPTOUT_NCP_BASE_URL": ""}, None),
    (["ncp", "list"], "not UTF-8", {**NO_CREDENTIALS, "MAILOPTOUT_PROFILE": "{binary.toml}"}, None),
    (["--verbose", "--quiet", "ncp", "list"], "--quiet", {}, None),
    (
        ["ncp", "list"],
        "http://127.0.0.1:9/api/v1/unsubscribers",
        {"MAILOPTOUT_NCP_BASE_URL": "http://127.0.0.1:9/api/v1", "MAILOPTOUT_MAX_RETRIES": "0"},
        None,
    ),
    (
        ["engagelab", "list", "--since", "2026-01-01"],
        "http://127.0.0.1:9/",
        {"MAILOPTOUT_ENGAGELAB_BASE_URL": "http://127.0.0.1:9", "MAILOPTOUT_MAX_RETRIES": "0"},
        None,
    ),
]


@pytest.mark.parametrize(
    ("args", "needle", "env", "stdin"),
    WRONG,
    ids=[" ".join([*w[0], *(f"{k}={v}" for k, v in w[2].items())]) or "(bare)" for w in WRONG],
)
def test_wrong_invocation_is_one_line(
    server: Server,
    tmp_path: Path,
    args: list[str],
    needle: str,
    env: dict[str, str],
    stdin: bytes | None,
) -> None:
    """Exit 1 or 2, one line on stderr naming the bad value, never a traceback."""
    files = {**_files(tmp_path), "binary.toml": str(tmp_path / "binary.toml")}
    args = [files.get(a.strip("{}"), a) for a in args]
    env = {k: files.get(v.strip("{}"), v) for k, v in env.items()}
    done = subprocess.run(
        [SCRIPT, *args],
        input=stdin or b"",
        capture_output=True,
        env={**server.env, **env},
        timeout=120,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode in (1, 2), err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert needle in err
    assert err.startswith("mailoptout: ")


@pytest.mark.parametrize("args", [["ncp", "list"], ["ncp", "register", "a@example.com"]])
def test_not_subscribed_is_one_line_naming_the_likely_cause(
    server: Server, args: list[str]
) -> None:
    """NAVER's 403/77202 (an account without Cloud Outbound Mailer): exit 1, one line that says
    what most likely happened and what to do."""
    server.state.ncp_not_subscribed.add(DEFAULT_NCP_ACCESS_KEY)
    done = server.run(*args, ok=False)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("mailoptout: error: ")
    assert "NAVER Cloud Outbound Mailer answered 403 (code 77202)" in line
    assert "run the same command again" not in line  # it would fail the same way
    assert "not subscribed to Cloud Outbound Mailer" in line
    assert "folded into SENS (release note 2026-09-17)" in line
    assert "use a government-zone account" in line


def test_usage_errors_exit_2_with_a_hint(server: Server) -> None:
    """click's convention: exit 2, and where to find help."""
    done = server.run("ncp", "list", "--frobnicate", ok=False)
    assert done.returncode == 2
    assert "see 'mailoptout ncp list --help'" in done.stderr


def _seed_ncp(state: EmulatorState, count: int) -> set[str]:
    addresses = [f"subscriber{i:05d}-with-a-long-local-part@example.com" for i in range(count)]
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, addresses, by_manager=False)
    return set(addresses)


def test_piped_lists_contain_every_address_in_full(tmp_path: Path) -> None:
    """TSV on a pipe: a header, then one full row per item; nothing cut to 80 columns."""
    state = EmulatorState()
    naver = _seed_ncp(state, 250)
    engagelab = seed_engagelab(state, [f"user{i:05d}@example.com" for i in range(250)])
    for server in serve(state, tmp_path):
        env = {**server.env, "COLUMNS": "40"}
        for args, expected in (
            (["ncp", "list"], naver),
            (["engagelab", "list", "--since", str(TODAY - dt.timedelta(days=30))], engagelab),
        ):
            out = subprocess.run(
                [SCRIPT, *args], capture_output=True, text=True, env=env, check=True
            ).stdout
            header, *rows = out.splitlines()
            assert header.split("\t")[0] == "address"
            assert {row.split("\t")[0] for row in rows} == expected
            assert len(rows) == len(expected)


def _run_until(server: Server, args: list[str], requests: int, signum: int) -> tuple[int, str]:
    """Run the CLI; send ``signum`` once the emulator has served ``requests`` more requests."""
    reached = threading.Event()
    start = server.state.requests
    server.state.on_request = lambda n: reached.set() if n >= start + requests else None
    process = subprocess.Popen(
        [SCRIPT, *args],
        env={**server.env, "MAILOPTOUT_MAX_RETRIES": "8"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    waiter = threading.Thread(target=lambda: (process.wait(), reached.set()), daemon=True)
    waiter.start()
    reached.wait(timeout=120)
    if process.poll() is None:
        process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    server.state.on_request = None
    return process.returncode, err


@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
    ids=["SIGINT", "SIGTERM"],
)
def test_signal_mid_list_with_faults(tmp_path: Path, signum: int, code: int, word: str) -> None:
    """Stopped mid-list (faults on): one line, 130/143; the same command then lists it all."""
    state = EmulatorState()
    expected = _seed_ncp(state, 3000)
    for server in serve(state, tmp_path, FAULTS):
        returncode, err = _run_until(server, ["ncp", "list", "--json"], 4, signum)
        assert returncode == code, err
        assert err.splitlines() == [f"mailoptout: {word}; the list above is incomplete"]
        again = server.run("ncp", "list", "--json", env={"MAILOPTOUT_MAX_RETRIES": "8"})
        assert {json.loads(line)["address"] for line in again.stdout.splitlines()} == expected


def test_sigint_mid_register_then_resume(tmp_path: Path) -> None:
    """Interrupted mid-register (faults on): the same command again writes exactly the input."""
    state = EmulatorState()
    addresses = {f"user{i:05d}@example.com" for i in range(3000)}
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(sorted(addresses)) + "\n")
    args = ["ncp", "register", "--file", str(listing), "--chunk-size", "100"]
    for server in serve(state, tmp_path, FAULTS):
        returncode, err = _run_until(server, args, 5, signal.SIGINT)
        assert returncode == 130, err
        (line,) = err.splitlines()
        assert line.startswith("mailoptout: interrupted; run the same command again: it sends")
        assert "harmless" in line
        assert state.ncp_addresses() < addresses
        server.run(*args, env={"MAILOPTOUT_MAX_RETRIES": "8"})
        assert state.ncp_addresses() == addresses


def _on_a_terminal(server: Server, args: list[str], keys: bytes) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal; type ``keys`` at the
    first prompt (as a user would: Ctrl-C there is a real SIGINT from the terminal)."""
    leader, follower = pty.openpty()

    def controlling_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    env = {k: v for k, v in server.env.items() if not k.startswith(("NCLOUD_", "ENGAGELAB_"))}
    process = subprocess.Popen(
        [SCRIPT, *args],
        stdin=follower,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        preexec_fn=controlling_terminal,  # noqa: PLW1509 - the child needs its own terminal
    )
    os.close(follower)
    seen = b""
    while b"NCLOUD_ACCESS_KEY: " not in seen:  # the space comes once echo is off, input flushed
        seen += os.read(leader, 1024)
    os.write(leader, keys)
    _, err = process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, err.decode()


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminal handling is Linux's")
@pytest.mark.parametrize(
    ("keys", "code", "line"),
    [
        (b"\x03", 130, "mailoptout: interrupted; " + UNCHANGED),
        (b"\x04", 1, "mailoptout: error: no input for NCLOUD_ACCESS_KEY; " + UNCHANGED),
    ],
    ids=["ctrl-c", "ctrl-d"],
)
def test_profile_prompt_ctrl_c_and_ctrl_d(
    server: Server, keys: bytes, code: int, line: str
) -> None:
    """Ctrl-C or Ctrl-D at the hidden prompt: one line, no traceback, profile untouched."""
    returncode, err = _on_a_terminal(server, ["profile", "write"], keys)
    assert (returncode, err.splitlines()) == (code, [line])
    assert not Path(server.env["MAILOPTOUT_PROFILE"]).exists()


def test_profile_write_merges_sections(server: Server) -> None:
    """Writing EngageLab credentials keeps the NAVER section already saved."""
    server.run("profile", "write", env={"ENGAGELAB_API_USER": "", "ENGAGELAB_API_KEY": ""})
    server.run("profile", "write", env={"NCLOUD_ACCESS_KEY": "", "NCLOUD_SECRET_KEY": ""})
    text = Path(server.env["MAILOPTOUT_PROFILE"]).read_text()
    assert "[ncp]" in text
    assert "[engagelab]" in text
    bare = {k: "" for k in server.env if k.startswith(("NCLOUD_", "ENGAGELAB_"))}
    server.run("ncp", "list", env=bare)
    server.run("engagelab", "list", "--since", str(TODAY), env=bare)


def test_world_readable_profile_does_not_block_environment_credentials(server: Server) -> None:
    """All credentials from the environment: a world-readable profile is not even consulted
    for them; without them, it is refused."""
    server.run("profile", "write")
    path = Path(server.env["MAILOPTOUT_PROFILE"])
    path.chmod(0o644)
    server.run("ncp", "list")
    done = server.run("ncp", "list", env={"NCLOUD_SECRET_KEY": ""}, ok=False)
    assert done.returncode == 1
    assert f"chmod 600 {path}" in done.stderr


def test_verbose_logs_requests_never_secrets(server: Server) -> None:
    """--verbose logs each request with its URL; a planted secret never appears."""
    planted = "sk-PLANTED-verbose-secret"
    done = server.run("--verbose", "ncp", "list", env={"NCLOUD_SECRET_KEY": planted}, ok=False)
    assert "GET http://" in done.stderr
    assert "/api/v1/unsubscribers" in done.stderr
    assert planted not in done.stdout + done.stderr
    done = server.run("--verbose", "engagelab", "list", "--since", str(TODAY))
    assert "http://" in done.stderr
    assert server.env["ENGAGELAB_API_KEY"] not in done.stdout + done.stderr


def test_quiet_and_past_expiry_warning(server: Server) -> None:
    """A past --expire is accepted with a warning; --quiet silences it and the summary."""
    done = server.run("engagelab", "add", "a@example.com", "--expire", "2020-01-01")
    assert done.stderr.startswith("mailoptout: warning: --expire 2020-01-01 is in the past")
    quiet = server.run("-q", "engagelab", "add", "b@example.com", "--expire", "2020-01-01")
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_long_reject_lists_are_written_in_full_on_a_pipe(server: Server) -> None:
    """Every reject is a row on a pipe (and a JSON line with --json), then the summary."""
    lines = [f"bad{i}" for i in range(50)] + ["ok@example.com"]
    done = server.run("ncp", "register", "--file", "-", stdin="\n".join(lines), ok=False)
    rejected = [r for r in done.stdout.splitlines() if r.startswith("rejected\tbad")]
    assert len(rejected) == 50
    assert "rejected\t50" in done.stdout.splitlines()
    assert server.state.ncp_addresses() == {"ok@example.com"}
    as_json = server.run(
        "ncp", "register", "--file", "-", "--json", stdin="\n".join(lines), ok=False
    )
    *rows, summary = (json.loads(line) for line in as_json.stdout.splitlines())
    assert [r["address"] for r in rows] == lines[:50]
    assert {r["status"] for r in rows} == {"rejected"}
    assert summary["rejected"] == 50
    assert summary["unchanged"] == 1


def test_python_dash_m(server: Server) -> None:
    """python -m mailoptout is the same command line."""
    done = subprocess.run(
        [sys.executable, "-m", "mailoptout", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("mailoptout ")


def test_missing_cli_extra_is_one_line() -> None:
    """Without the cli extra, the entry point names it in one line and exits 1."""
    code = (
        "import sys; sys.modules['typer'] = None; sys.argv = ['mailoptout', '--help'];"
        " from mailoptout.__main__ import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "mailoptout: error: mailoptout's cli needs the 'cli' extra (missing: typer):"
        " pip install 'mailoptout[cli]'"
    ]


def _terminal_output(
    server: Server,
    args: list[str],
    stdin: str = "",
    *,
    stream: str = "stderr",
    stdout_file: Path | None = None,
) -> tuple[str, str]:
    """Run the CLI with ``stream`` on a pseudo-terminal and the other on a pipe (or stdout in
    ``stdout_file``); return what the terminal got and what the pipe (or file) got."""
    leader, follower = pty.openpty()
    seen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    on_terminal = stream == "stdout"
    sink = stdout_file.open("wb") if stdout_file is not None else subprocess.PIPE
    process = subprocess.Popen(
        [SCRIPT, *args],
        stdin=subprocess.PIPE,
        stdout=follower if on_terminal else sink,
        stderr=subprocess.PIPE if on_terminal else follower,
        env=server.env,
    )
    os.close(follower)
    out, err = process.communicate(stdin.encode(), timeout=120)
    reader.join(timeout=60)
    os.close(leader)
    if stdout_file is not None:
        sink.close()  # type: ignore[union-attr]
        out = stdout_file.read_bytes()
    return b"".join(seen).decode(errors="replace"), (err if on_terminal else out).decode()


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminal handling is Linux's")
def test_progress_on_a_terminal_only(tmp_path: Path) -> None:
    """Progress with totals on a terminal (NAVER's total per page, a file's size per chunk),
    stdout to a file; none when stdout is a pipe (its reader may share the terminal)."""
    state = EmulatorState()
    _seed_ncp(state, 250)
    rows_file = tmp_path / "rows.tsv"
    for server in serve(state, tmp_path, Faults(latency=0.02)):  # frames mid-run
        shown, rows = _terminal_output(server, ["ncp", "list"], stdout_file=rows_file)
        assert re.search(r"ncp list: reading NAVER · listed \d+/250 \(\d+%\)", shown), shown
        assert len(rows.splitlines()) == 251  # the rows stay in the file, never via the bar
        assert "subscriber00001" not in shown
        listing = tmp_path / "new.txt"
        listing.write_text("email\n" + "\n".join(f"new{i}@example.com" for i in range(30)))
        args = ["ncp", "register", "--file", str(listing), "--chunk-size", "10"]
        shown, _ = _terminal_output(server, args, stdout_file=rows_file)
        assert "ncp register · sent 10/30 (33%)" in shown
        assert "ETA" in shown
        shown, rows = _terminal_output(server, ["ncp", "list"])  # stdout a pipe
        assert shown == ""
        assert len(rows.splitlines()) == 281


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminal handling is Linux's")
def test_long_reject_lists_are_summarised_on_a_terminal(server: Server) -> None:
    """On a terminal: the first 10 rejects, then how many more and how to see them all."""
    lines = "\n".join(f"bad{i}" for i in range(50))
    shown, _ = _terminal_output(server, ["ncp", "register", "--file", "-"], lines, stream="stdout")
    assert shown.count("rejected  bad") == 10
    assert "40 more (pipe the output or use --json for all)" in shown


HEAVY = {
    "starlette",
    "uvicorn",
    "jsonschema",
    "yaml",
    "mailoptout.emulator",
    "rich",
    "httpx",
    "email_validator",
    "ncp_mailer_client",
    "engagelab_email_client",
}
"""What `mailoptout --help` and a bare `import mailoptout` must not load."""


def _modules_loaded_by(code: str) -> set[str]:
    report = "\nprint(' '.join(m for m in sys.modules if m.count('.') < 2))\n"
    done = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code + report],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(done.stdout.split())


def test_help_imports_neither_the_emulator_nor_rich() -> None:
    """`mailoptout --help` loads typer and the CLI's own modules; the emulator, rich, httpx,
    email-validator and the generated models stay out (and out of `import mailoptout`)."""
    help_code = (
        "import contextlib, io\n"
        "sys.argv = ['mailoptout', '--help']\n"
        "from mailoptout.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()"
    )
    assert "mailoptout.cli" in _modules_loaded_by(help_code)
    assert not HEAVY & _modules_loaded_by(help_code)
    assert not HEAVY & _modules_loaded_by("import mailoptout")
