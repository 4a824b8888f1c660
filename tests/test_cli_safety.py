"""A command line that is safe and legible (issue 21): deletes that ask, usage mistakes in one
line, a closed stdout, tables that fit, one vocabulary. The console script in a subprocess
(on a pseudo-terminal where behaviour depends on one), against the emulator over a socket."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest
from mailoptout.cli import command
from mailoptout.emulator import DEFAULT_ENGAGELAB_API_USER, DEFAULT_NCP_ACCESS_KEY, EmulatorState
from test_cli import SCRIPT, TODAY, Server, serve
from test_cli_readme import _commands
from test_sync import seed_engagelab

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals are Linux's")
SINCE = str(TODAY.replace(year=TODAY.year - 1))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from serve(EmulatorState(), tmp_path)


def _asked(
    server: Server, args: list[str], answer: bytes, *, stdin: bytes = b"", before: object = None
) -> tuple[int, str, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal and stderr, stdin and
    stdout pipes; at the question, call ``before()`` then type ``answer``. Returns the exit
    code, what the terminal showed and stdout."""
    leader, follower = pty.openpty()

    def controlling_terminal() -> None:
        fcntl.ioctl(2, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [SCRIPT, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=server.env,
        start_new_session=True,
        preexec_fn=controlling_terminal,  # noqa: PLW1509 - the child needs its own terminal
    )
    os.close(follower)
    assert process.stdin is not None
    process.stdin.write(stdin)
    process.stdin.close()
    seen = b""
    while b"[y/N] " not in seen:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: it ended without asking
            chunk = b""
        assert chunk, (seen, process.wait(timeout=60))
        seen += chunk
    if callable(before):
        before()
    os.write(leader, answer)
    assert process.stdout is not None
    out = process.stdout.read()
    process.stdout.close()
    process.wait(timeout=60)
    try:
        while chunk := os.read(leader, 4096):
            seen += chunk
    except OSError:  # EIO: the other side is closed
        pass
    os.close(leader)
    return process.returncode, seen.decode(errors="replace"), out.decode()


class TestDeletesThatAsk:
    @linux_only
    def test_by_dates_shows_and_asks_on_the_terminal(self, server: Server) -> None:
        """A delete by dates shows the count and first entries; "n" deletes nothing (exit 1),
        "y" deletes exactly those."""
        emails = seed_engagelab(server.state, [f"p{i:03d}@example.com" for i in range(25)])
        args = ["engagelab", "delete", "--since", SINCE, "--json"]
        code, shown, _ = _asked(server, args, b"n\n")
        assert code == 1
        assert "25 entries:" in shown
        assert "p000@example.com" in shown
        assert "... and 15 more" in shown
        assert server.state.engagelab_emails() == emails
        code, shown, out = _asked(server, args, b"y\n")
        assert code == 0, shown
        assert json.loads(out) == {"deleted": 25}
        assert server.state.engagelab_emails() == set()

    @linux_only
    def test_ctrl_c_at_the_question_deletes_nothing(self, server: Server) -> None:
        emails = seed_engagelab(server.state, ["a@example.com", "b@example.com"])
        code, shown, _ = _asked(server, ["engagelab", "delete", *emails], b"\x03")
        assert code == 130
        assert shown.splitlines()[-1] == "mailoptout: interrupted; nothing was deleted"
        assert server.state.engagelab_emails() == emails

    @linux_only
    def test_a_range_that_changed_is_not_deleted(self, server: Server) -> None:
        """What the dates match when the answer comes differs from what was shown: nothing is
        deleted, exit 1, saying why."""
        emails = seed_engagelab(server.state, ["a@example.com", "b@example.com"])
        late: set[str] = set()

        def another_opt_out() -> None:
            late.update(seed_engagelab(server.state, ["late@example.com"], days_ago=0.5))

        args = ["engagelab", "delete", "--since", SINCE]
        code, shown, _ = _asked(server, args, b"y\n", before=another_opt_out)
        assert code == 1
        assert "changed since they were shown (2 then, 3 now): nothing was deleted" in shown
        assert server.state.engagelab_emails() == emails | late

    @linux_only
    def test_file_from_stdin_still_asks_on_the_terminal(self, server: Server) -> None:
        """ncp delete --file -: addresses from the pipe, the answer from the terminal."""
        server.state.ncp_register(
            DEFAULT_NCP_ACCESS_KEY,
            ["a@example.com", "b@example.com", "c@example.com"],
            by_manager=False,
        )
        code, shown, _ = _asked(
            server,
            ["ncp", "delete", "--file", "-"],
            b"y\n",
            stdin=b"a@example.com\nb@example.com\n",
        )
        assert code == 0, shown
        assert "2 entries:" in shown
        assert server.state.ncp_addresses() == {"c@example.com"}

    def test_without_a_terminal_yes_is_needed(self, server: Server) -> None:
        """No terminal, no --yes: exit 2 naming --yes, nothing sent; with --yes it deletes."""
        emails = seed_engagelab(server.state, ["a@example.com", "b@example.com"])
        for args in (
            ["engagelab", "delete", "--since", SINCE],
            ["engagelab", "delete", *emails],
            ["engagelab", "complaints", "delete", "--since", SINCE],
            ["engagelab", "blocks", "delete", "--since", SINCE],
            ["engagelab", "allow", "delete", "x.org", "y.org"],
            ["ncp", "delete", "a@example.com", "b@example.com"],
        ):
            before = server.state.requests
            done = server.run(*args, ok=False)
            assert done.returncode == 2, (args, done.stderr)
            (line,) = done.stderr.splitlines()
            assert "--yes" in line
            assert server.state.requests == before
        assert server.lines("engagelab", "delete", *emails, "--yes") == [{"deleted": 2}]

    def test_dry_run_sends_no_change(self, server: Server) -> None:
        """--dry-run on every write: what would happen, and the provider unchanged."""
        emails = seed_engagelab(server.state, [f"d{i}@example.com" for i in range(12)])
        (would,) = server.lines("engagelab", "delete", "--since", SINCE, "--dry-run")
        assert would["would_delete"] == 12
        assert set(would["entries"]) == emails
        text = server.run("engagelab", "delete", "--since", SINCE, "--dry-run").stdout
        assert text.splitlines()[0].startswith("would delete 12 from the EngageLab")
        assert len(text.splitlines()) == 13  # a pipe gets every entry
        (would,) = server.lines("ncp", "register", "a@example.com", "a@example.com", "--dry-run")
        assert would == {"requested": 2, "would_send": 1, "duplicates": 1, "rejected": 0}
        server.lines("engagelab", "add", "n@example.com", "--expire", "2099-01-01", "--dry-run")
        server.lines("engagelab", "blocks", "add", "example.org", "--dry-run")
        server.lines("engagelab", "allow", "add", "example.org", "--dry-run")
        (would,) = server.lines("ncp", "delete", "x@example.com", "--dry-run")
        assert would == {"would_delete": 1, "entries": ["x@example.com"]}
        assert server.state.engagelab_emails() == emails
        assert server.state.ncp_addresses() == set()
        assert server.state.suppressions.entries("blocks", DEFAULT_ENGAGELAB_API_USER) == []


# (arguments, the option the one stderr line names)
USAGE: list[tuple[list[str], str]] = [
    (["status"], "--file"),
    (["ncp", "register"], "--file"),
    (["ncp", "list", "--since", "2025-13-01"], "--since"),
    (["engagelab", "list", "--since", "2025-02-30"], "--since"),
    (["engagelab", "list", "--since", "2025-06-01", "--until", "2025-01-01"], "--until"),
    (["ncp", "list", "--from", "2025-06-01", "--to", "2025-01-01"], "--from"),
    (["ncp", "list", "--since", "2025-01-01", "--from", "2025-01-01"], "--from"),
    (["engagelab", "list", "--entry", "a@example.com", "--email", "b@example.com"], "--email"),
    (["engagelab", "delete"], "--since"),
    (["engagelab", "delete", "a@example.com", "--since", "2025-01-01"], "--since"),
    (["engagelab", "allow", "delete"], "ENTRY"),
    (["engagelab", "allow", "delete", "x.org", "--since", "2025-01-01"], "--since"),
    (["engagelab", "bounces"], "ADDRESS"),
    (["status", "--concurrency", "65", "a@example.com"], "--concurrency"),
    (["status", "--concurrency", "0", "a@example.com"], "--concurrency"),
    (["-v", "ncp", "list", "-q"], "--quiet"),
    (["ncp", "list", "--limit", "0"], "--limit"),
    (["engagelab", "add", "a@example.com", "--expire", "2025-02-30"], "--expire"),
]


@pytest.mark.parametrize(("args", "option"), USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_usage_mistake_is_one_line_naming_the_option(
    server: Server, args: list[str], option: str
) -> None:
    """Exit 2, one stderr line naming the option (no internal values), nothing sent."""
    before = server.state.requests
    done = server.run(*args, ok=False)
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("mailoptout: usage error: ")
    assert option in line
    assert "+09:00" not in line
    assert "None" not in line
    assert server.state.requests == before


def test_dates_that_are_not_dates_say_so(server: Server) -> None:
    """A well-formed day that does not exist is "not a date", not "use YYYY-MM-DD"."""
    done = server.run("ncp", "list", "--since", "2025-02-30", ok=False)
    assert "'2025-02-30' is not a date" in done.stderr
    assert "use YYYY-MM-DD" not in done.stderr


def _seed_ncp(state: EmulatorState, count: int) -> None:
    addresses = [f"subscriber{i:05d}-with-a-long-local-part@example.com" for i in range(count)]
    state.ncp_register(DEFAULT_NCP_ACCESS_KEY, addresses, by_manager=False)


@pytest.mark.parametrize(
    "args", [["ncp", "list"], ["ncp", "list", "--json"], ["status", "--file", "-"]]
)
def test_closed_stdout_ends_quietly(server: Server, args: list[str]) -> None:
    """| head -1: the reader goes away; exit 0, nothing on stderr (no warning, no traceback)."""
    _seed_ncp(server.state, 1500)
    addresses = "".join(f"s{i}@example.org\n" for i in range(60)).encode()
    process = subprocess.Popen(
        [SCRIPT, "-q", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=server.env,
        start_new_session=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(addresses)
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()
    assert process.stderr is not None
    err = process.stderr.read()
    process.stderr.close()
    assert (process.wait(timeout=120), err.decode()) == (0, "")


def test_common_options_after_the_subcommand(server: Server) -> None:
    """-v/-q after the subcommand, --json before it."""
    seed_engagelab(server.state, ["a@example.com"])
    verbose = server.run("ncp", "list", "-v")
    assert "GET http://" in verbose.stderr
    quiet = server.run("engagelab", "add", "b@example.com", "--expire", "2020-01-01", "-q")
    assert quiet.stderr == ""
    (row,) = (
        json.loads(line) for line in server.run("--json", "engagelab", "list").stdout.splitlines()
    )
    assert row["address"] == "a@example.com"


@pytest.mark.parametrize("args", [[], ["engagelab"], ["engagelab", "blocks"]])
def test_a_group_alone_prints_its_commands(server: Server, args: list[str]) -> None:
    done = server.run(*args)
    assert "Commands:" in done.stdout
    assert done.stderr == ""


def test_every_help_has_examples() -> None:
    """Every command's --help ends with examples of it."""
    root = command()
    for path, cmd in _commands(root):
        context = cmd.make_context(path, [], resilient_parsing=True)
        text = cmd.get_help(context)
        assert "Examples:" in text, path
        assert ("mailoptout " + path).strip() in text or path == "mailoptout", path


def test_header_line_of_a_one_column_file(server: Server, tmp_path: Path) -> None:
    """A first line "email" (or "Address") is a header: nothing rejected."""
    for header in ("email", "Address"):
        listing = tmp_path / "list.txt"
        listing.write_text(f"{header}\na@example.com\n")
        (summary,) = server.lines("ncp", "register", "--file", str(listing))
        assert (summary["requested"], summary["rejected"]) == (1, 0)


def test_errors_name_what_to_check(server: Server) -> None:
    """401: the credentials and where they came from; 404: the base URL and its option."""
    done = server.run("ncp", "list", env={"NCLOUD_SECRET_KEY": "wrong"}, ok=False)
    (line,) = done.stderr.splitlines()
    assert "401" in line
    assert "check NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY (environment)" in line
    assert "wrong" not in line
    done = server.run("engagelab", "list", env={"ENGAGELAB_API_KEY": ""}, ok=False)
    assert "ENGAGELAB_API_KEY" in done.stderr
    done = server.run("ncp", "list", env={"MAILOPTOUT_NCP_BASE_URL": server.url}, ok=False)
    (line,) = done.stderr.splitlines()
    assert "404" in line
    assert f"check the base URL '{server.url}' (--ncp-base-url or MAILOPTOUT_NCP_BASE_URL" in line


def _on_terminal_stdout(server: Server, args: list[str], columns: int) -> str:
    """What a ``columns``-wide terminal shows of the command's stdout."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, bytes([40, 0, columns, 0, 0, 0, 0, 0]))
    env = {k: v for k, v in server.env.items() if k != "COLUMNS"}
    process = subprocess.Popen(
        [SCRIPT, *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    seen = b""
    try:
        while chunk := os.read(leader, 65536):
            seen += chunk
    except OSError:  # EIO: closed
        pass
    process.wait(timeout=60)
    os.close(leader)
    return seen.decode().replace("\r\n", "\n")


@linux_only
def test_tables_fit_the_terminal(server: Server) -> None:
    """At 60 columns every line fits, long values shortened with …; a pipe gets them in full."""
    _seed_ncp(server.state, 5)
    shown = _on_terminal_stdout(server, ["ncp", "list"], 60)
    lines = shown.splitlines()
    assert len(lines) == 9  # title, header, rule, 5 rows, count
    assert all(len(line) <= 60 for line in lines), shown
    assert all("…" in line for line in lines[3:8])
    piped = server.run("ncp", "list").stdout
    assert "subscriber00000-with-a-long-local-part@example.com\t" in piped
