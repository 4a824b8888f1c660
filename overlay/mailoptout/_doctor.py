"""``mailoptout.doctor()``: is this setup ready for sync and status, and how true are the specs?

Per configured provider, read-only unless asked: where the credentials come from, the base URL,
the connection, the clock against the server's ``Date`` (NAVER refuses a signature 5 minutes
off), authentication with one cheap signed read, NAVER's subscription (403/77202), the
rate-limit headers seen. Then each guess of README's "How true the specs are" that a read can
test, as ``confirmed``, ``refuted`` or ``not_checkable`` with the reason, and evidence
(:mod:`mailoptout._doctor_guesses`). ``write_test=ADDRESS`` also adds and removes one address
to test the guessed request bodies, recording what it must undo first (:class:`CleanupRecord`).

>>> report = doctor()  # doctest: +SKIP
>>> report.exit_code(), [check.line() for check in report.failures]  # doctest: +SKIP
(0, [])
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal, Protocol

import attrs
import httpx

from mailoptout._config import engagelab_base_url, ncp_base_url
from mailoptout._errors import InvalidInputError
from mailoptout._identity import address_key
from mailoptout._providers import PROVIDERS, ProviderName
from mailoptout._signing import Clock, NcpSigner
from mailoptout._time import to_epoch_ms

if TYPE_CHECKING:
    from mailoptout._mirror import Mirror

__all__ = [
    "Check",
    "CleanupRecord",
    "DoctorReport",
    "MemoryCleanupRecord",
    "Pending",
    "ProviderSetup",
    "StoreCleanupRecord",
    "doctor",
]

Status = Literal["ok", "failed", "skipped", "info", "confirmed", "refuted", "not_checkable"]
NCP_SKEW_LIMIT_S = 300
"""NAVER refuses a request whose timestamp is 5 minutes or more off the gateway's clock."""
RATE_LIMIT_WORDS = ("ratelimit", "rate-limit", "retry-after", "quota", "throttl")


@attrs.frozen
class Check:
    """One line of the doctor's report."""

    provider: ProviderName | None
    name: str
    status: Status
    summary: str
    """One line; for a failure it names the fix."""
    evidence: str = ""

    def line(self) -> str:
        where = f"{self.provider} " if self.provider else ""
        return f"{where}{self.name}: {self.status}: {self.summary}"

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class DoctorReport:
    """Every check run, in order."""

    checks: tuple[Check, ...]

    @property
    def failures(self) -> list[Check]:
        """What sync or status needs and does not have."""
        return [check for check in self.checks if check.status == "failed"]

    @property
    def refuted(self) -> list[Check]:
        """The specs' guesses the account contradicts."""
        return [check for check in self.checks if check.status == "refuted"]

    def exit_code(self, *, strict: bool = False) -> int:
        """0 when sync and status can work (and, with ``strict``, no guess was refuted)."""
        return 1 if self.failures or (strict and self.refuted) else 0


@attrs.frozen
class ProviderSetup:
    """Where and as whom to reach one provider; ``credentials`` None when not configured."""

    provider: ProviderName
    credentials: tuple[str, str] | None = attrs.field(repr=False)
    source: str
    """Where the credentials came from (never their values): ``environment (...)``, a profile."""
    base_url: str
    region: str
    """The region (and zone) the base URL is for, or ``custom base URL``."""
    problem: str | None = None
    """Why the credentials are incomplete or unusable, with the fix."""

    @classmethod
    def from_environment(cls, provider: ProviderName) -> ProviderSetup:
        """As the library's facades find it: credentials and base URL from the environment."""
        spec = PROVIDERS[provider]
        names = [env for _, env in spec.credentials]
        values = [os.environ.get(env) or "" for env in names]
        override = os.environ.get(spec.base_url_env)
        if provider == "ncp":
            region = (
                os.environ.get("NCLOUD_REGION") or "KR",
                os.environ.get("NCLOUD_ZONE") or "public",
            )
            default, label = ncp_base_url(*region), f"{region[0]}, {region[1]} zone"
        else:
            name = os.environ.get("ENGAGELAB_REGION") or "singapore"
            default, label = engagelab_base_url(name), name
        base_url, label = (
            (override, f"custom base URL ({spec.base_url_env})") if override else (default, label)
        )
        if all(values):
            return cls(
                provider,
                (values[0], values[1]),
                "the environment",
                base_url,
                label,
            )
        problem = None
        if any(values):
            missing = [env for env, value in zip(names, values, strict=True) if not value]
            given = ", ".join(sorted(set(names) - set(missing)))
            problem = f"missing {', '.join(missing)}: set it beside {given}"
        return cls(provider, None, "not found", base_url, label, problem)


@attrs.frozen
class Pending:
    """One entry a write test added and must remove: ``engagelab``, ``blocks``, the address."""

    provider: ProviderName
    list: str
    entry: str


class CleanupRecord(Protocol):
    """Where a write test notes what it must undo before it writes, so an interrupted run can be
    finished by ``doctor(cleanup=True)``."""

    def pending(self) -> list[Pending]: ...
    def add(self, item: Pending) -> None: ...
    def done(self, item: Pending) -> None: ...


class StoreCleanupRecord:
    """A :class:`CleanupRecord` in the local store (the mirror's in-flight writes, one direction
    per list: ``doctor engagelab/blocks``), so the store holds every write awaiting an answer."""

    LISTS: tuple[tuple[ProviderName, str], ...] = (
        ("engagelab", "blocks"),
        ("engagelab", "no_interceptions"),
    )

    def __init__(self, mirror: Mirror) -> None:
        self.mirror = mirror

    @staticmethod
    def _direction(provider: str, name: str) -> str:
        return f"doctor {provider}/{name}"

    def pending(self) -> list[Pending]:
        return [
            Pending(provider, name, entry)
            for provider, name in self.LISTS
            for entry in self.mirror.in_flight(self._direction(provider, name)).values()
        ]

    def add(self, item: Pending) -> None:
        where = self._direction(item.provider, item.list)
        self.mirror.send_begins(where, [(address_key(item.entry), item.entry)])

    def done(self, item: Pending) -> None:
        where = self._direction(item.provider, item.list)
        self.mirror.send_ends(where, [address_key(item.entry)])


class MemoryCleanupRecord:
    """A :class:`CleanupRecord` that lasts as long as the process (for tests and one-off runs)."""

    def __init__(self) -> None:
        self.items: list[Pending] = []

    def pending(self) -> list[Pending]:
        return list(self.items)

    def add(self, item: Pending) -> None:
        if item not in self.items:
            self.items.append(item)

    def done(self, item: Pending) -> None:
        self.items = [other for other in self.items if other != item]


class Unreachable(Exception):  # noqa: N818 - a condition reported as a check, never raised out
    """The provider could not be reached at all (the connection check says why)."""


class _Borrowed(httpx.BaseTransport):
    """The caller's transport, left open when a probe's client closes."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.transport.handle_request(request)


class Probe:
    """One provider's raw HTTP: every answer is kept, for headers, error codes and evidence."""

    def __init__(
        self,
        setup: ProviderSetup,
        *,
        clock: Clock,
        transport: httpx.BaseTransport | None,
        timeout: float,
    ) -> None:
        assert setup.credentials is not None
        self.setup = setup
        self.provider = setup.provider
        self.clock = clock
        first, second = setup.credentials
        auth: httpx.Auth = (
            NcpSigner(first, second, clock=clock)
            if setup.provider == "ncp"
            else httpx.BasicAuth(first, second)
        )
        self.client = httpx.Client(
            base_url=setup.base_url.rstrip("/"),
            auth=auth,
            transport=None if transport is None else _Borrowed(transport),
            timeout=timeout,
        )
        self.answers: list[httpx.Response] = []
        self.received_at: list[float] = []

    def close(self) -> None:
        self.client.close()

    def send(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None
    ) -> httpx.Response:
        try:
            response = self.client.request(
                method, path, params=params, json=body if body is not None else None
            )
        except httpx.HTTPError as problem:
            raise Unreachable(_network_problem(problem, self.setup.base_url)) from None
        self.answers.append(response)
        self.received_at.append(self.clock())
        return response

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.send("GET", path, params={k: v for k, v in params.items() if v is not None})

    def error_codes(self) -> list[str]:
        """``status/code`` of every error answer seen, in order, without repeats."""
        seen: dict[str, None] = {}
        for response in self.answers:
            if response.status_code >= 400:
                seen[f"{response.status_code}/{error_code(self.provider, response) or '-'}"] = None
        return list(seen)


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_code(provider: ProviderName, response: httpx.Response) -> str | None:
    return PROVIDERS[provider].error_fields(json_body(response)).code


def error_text(provider: ProviderName, response: httpx.Response) -> str:
    """``401, code 30000: Authentication failed.`` (what the provider said, briefly)."""
    fields = PROVIDERS[provider].error_fields(json_body(response))
    text = f"{response.status_code}"
    if fields.code:
        text += f", code {fields.code}"
    said = "; ".join(part for part in (fields.message, fields.details) if part)
    return f"{text}: {said}" if said else text


def _network_problem(problem: httpx.HTTPError, base_url: str) -> str:
    host = httpx.URL(base_url).host
    cause: BaseException | None = problem
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return (
                f"TLS with {host} failed ({cause.__class__.__name__}: {cause}): check a proxy that"
                " intercepts TLS, or point SSL_CERT_FILE at its CA bundle"
            )
        cause = cause.__cause__ or cause.__context__
    if isinstance(problem, httpx.TimeoutException):
        return f"{host} did not answer in time: check the network, or the base URL's host"
    reason = f"{problem.__class__.__name__}: {problem}"
    return f"cannot connect to {host} ({reason}): check the network and the base URL"


def _skew(probe: Probe) -> tuple[float | None, str]:
    """(local clock minus the server's ``Date``, in seconds; None without one), and evidence."""
    for response, received in zip(probe.answers, probe.received_at, strict=True):
        date = response.headers.get("date")
        if not date:
            continue
        try:
            server = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return None, f"unreadable Date header {date!r}"
        # Date is whole seconds: the server's time was within the second after it
        return received - server.timestamp() - 0.5, f"Date: {date}"
    return None, "the server sent no Date header"


def _duration(seconds: float) -> str:
    whole = round(abs(seconds))
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def _setup_checks(setup: ProviderSetup, credentials_fix: str) -> Iterator[Check]:
    name = setup.provider
    if setup.credentials is None:
        status: Status = "failed" if setup.problem else "skipped"
        summary = setup.problem or f"not configured: {credentials_fix}"
        yield Check(name, "credentials", status, summary)
        return
    yield Check(name, "credentials", "ok", f"found in {setup.source}")
    yield Check(name, "base URL", "info", f"{setup.base_url} ({setup.region})")


def _first_read(probe: Probe) -> httpx.Response:
    """One cheap signed read: a page of one item of the provider's opt-out list."""
    if probe.provider == "ncp":
        now = to_epoch_ms(dt.datetime.fromtimestamp(probe.clock(), tz=dt.UTC))
        return probe.get("/unsubscribers", startUtc=0, endUtc=now, size=1)
    return probe.get("/v1/unsubscribes", limit=1)


def _connection_checks(probe: Probe, first: httpx.Response, fix: str) -> Iterator[Check]:
    """Connection, clock, authentication and (NAVER) subscription, from the first read."""
    name, url = probe.provider, str(first.request.url.copy_with(query=None))
    over = "TLS" if first.request.url.scheme == "https" else "plain HTTP (no TLS)"
    yield Check(
        name,
        "connection",
        "ok",
        f"{first.request.url.host} answered over {over}",
        evidence=f"{first.request.method} {url} -> {first.status_code}",
    )
    skew, evidence = _skew(probe)
    if skew is None:
        yield Check(name, "clock", "not_checkable", evidence)
    else:
        direction = "ahead of" if skew > 0 else "behind"
        text = f"this clock is {_duration(skew)} {direction} the server's"
        if abs(skew) < 2:
            text = "this clock agrees with the server's (within 2 s)"
        if name == "ncp" and abs(skew) >= NCP_SKEW_LIMIT_S:
            yield Check(
                name,
                "clock",
                "failed",
                f"{text}: NAVER refuses signatures 5 minutes off; set the clock right (NTP)",
                evidence,
            )
        else:
            yield Check(name, "clock", "ok", text, evidence)
    status = first.status_code
    if status == 404 and not error_code(name, first):
        yield Check(
            name,
            "auth",
            "failed",
            f"{url} does not exist (bare 404): the base URL is wrong; the documented ones are"
            f" {_documented_urls(name)}",
            evidence=f"GET {url} -> 404",
        )
        return
    if status == 401:
        clock_failed = skew is not None and name == "ncp" and abs(skew) >= NCP_SKEW_LIMIT_S
        cause = "the clock is off (see clock)" if clock_failed else f"check {fix}"
        yield Check(
            name, "auth", "failed", f"credentials refused ({error_text(name, first)}): {cause}"
        )
        return
    if status == 403 and error_code(name, first) == "77202":
        yield Check(name, "auth", "ok", "signature accepted")
        hint = PROVIDERS[name].hints["77202"]
        yield Check(name, "subscription", "failed", hint, evidence=error_text(name, first))
        return
    if status >= 300:
        yield Check(
            name,
            "auth",
            "failed",
            f"the first read was answered {error_text(name, first)}: {_fix_for(status)}",
        )
        return
    yield Check(
        name, "auth", "ok", "signature accepted" if name == "ncp" else "API user and key accepted"
    )
    if name == "ncp":
        yield Check(name, "subscription", "ok", "Cloud Outbound Mailer answers for this account")


def _fix_for(status: int) -> str:
    if status == 429:
        return "rate limited: try again later"
    if status >= 500:
        return "the provider failed: try again later"
    if status == 403:
        return "this key lacks permission for the mail API: grant it in the provider's console"
    return "see the provider's message"


def _documented_urls(provider: ProviderName) -> str:
    if provider == "ncp":
        return (
            ", ".join(ncp_base_url(region, "public") for region in ("KR", "SGN", "JPN"))
            + " (government zone: mail.apigw.gov-ntruss.com)"
        )
    return ", ".join(engagelab_base_url(region) for region in ("singapore", "turkey"))


def _rate_limit_check(probe: Probe) -> Check:
    seen: dict[str, str] = {}
    for response in probe.answers:
        for key, value in response.headers.items():
            if any(word in key.lower() for word in RATE_LIMIT_WORDS):
                seen.setdefault(key.lower(), value)
    if not seen:
        return Check(
            probe.provider,
            "rate limits",
            "info",
            f"no rate-limit header in {len(probe.answers)} answers",
        )
    shown = ", ".join(f"{key}: {value}" for key, value in sorted(seen.items()))
    return Check(probe.provider, "rate limits", "info", f"headers seen: {shown}")


def _provider_checks(
    setup: ProviderSetup,
    probes: dict[ProviderName, Probe],
    *,
    cleanup: bool,
    writing: bool,
    record: CleanupRecord | None,
    **http: Any,
) -> Iterator[Check]:
    """The checks of one provider; its probe is left in ``probes`` when it works."""
    from mailoptout import _doctor_guesses as guesses  # noqa: PLC0415 - it imports this module

    names = " and ".join(env for _, env in PROVIDERS[setup.provider].credentials)
    yield from _setup_checks(setup, f"set {names}, or `mailoptout profile write`")
    if setup.credentials is None:
        return
    probe = Probe(setup, **http)
    try:
        first = _first_read(probe)
    except Unreachable as problem:
        probe.close()
        yield Check(setup.provider, "connection", "failed", str(problem))
        return
    checks = list(_connection_checks(probe, first, f"{names} (from {setup.source})"))
    yield from checks
    if any(check.status == "failed" for check in checks):
        probe.close()
        return
    probes[setup.provider] = probe
    if cleanup and record is not None:
        yield from guesses.cleanup(probe, record)
    yield from guesses.read_checks(probe, writing=writing)


def _checked_input(only: str | None, write_test: str | None) -> None:
    if only is not None and only not in PROVIDERS:
        raise InvalidInputError(f"only={only!r}: use one of {sorted(PROVIDERS)}")
    if write_test is not None:
        from mailoptout._bulk import normalize_address  # noqa: PLC0415 - email-validator is heavy

        try:
            normalize_address(write_test)
        except ValueError as problem:  # InvalidInputError is a ValueError
            message = f"write_test={write_test!r} is not an address: {problem}"
            raise InvalidInputError(message) from None


def _preflight(
    setups: list[ProviderSetup], record: CleanupRecord | None, *, cleanup: bool
) -> Iterator[Check]:
    """Failures known before anything is sent: no provider at all, an unfinished write test."""
    if not any(setup.credentials or setup.problem for setup in setups):
        names = " or ".join(PROVIDERS[setup.provider].title for setup in setups)
        fix = "set them, or `mailoptout profile write`"
        yield Check(None, "providers", "failed", f"no credentials for {names}: {fix}")
    left = [] if cleanup or record is None else record.pending()
    if left:
        where = ", ".join(f"{item.provider}/{item.list}" for item in left)
        fix = "run `mailoptout doctor --cleanup`"
        yield Check(None, "cleanup", "failed", f"a write test left its address on {where}: {fix}")


def _finish(probes: dict[ProviderName, Probe]) -> Iterator[Check]:
    for probe in probes.values():
        seen = ", ".join(probe.error_codes()) or "none"
        yield Check(probe.provider, "errors seen", "info", seen)
        yield _rate_limit_check(probe)


def doctor(
    *,
    only: ProviderName | None = None,
    ncp: ProviderSetup | None = None,
    engagelab: ProviderSetup | None = None,
    write_test: str | None = None,
    cleanup: bool = False,
    cleanup_record: CleanupRecord | None = None,
    clock: Clock = time.time,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 15.0,
    on_check: Callable[[Check], None] | None = None,
) -> DoctorReport:
    """Check the setup of each provider (``only`` one) and the specs' guesses against it.

    ``ncp``/``engagelab`` default to what the environment configures
    (:meth:`ProviderSetup.from_environment`). Read-only unless ``write_test`` names an address
    on no list: it is then added to and removed from EngageLab's blocks and allow-list, every
    step noted first in ``cleanup_record`` (required with it); ``cleanup=True`` removes what an
    interrupted write test left. ``on_check`` sees each check as it is made.
    """
    _checked_input(only, write_test)
    if (write_test is not None or cleanup) and cleanup_record is None:
        message = "write_test and cleanup need cleanup_record= (where to note what to undo)"
        raise InvalidInputError(message)
    chosen: dict[ProviderName, ProviderSetup | None] = {"ncp": ncp, "engagelab": engagelab}
    setups = [
        setup or ProviderSetup.from_environment(name)
        for name, setup in chosen.items()
        if only in (None, name)
    ]
    checks: list[Check] = []

    def note(found: Iterable[Check]) -> None:
        for check in found:
            checks.append(check)
            if on_check is not None:
                on_check(check)

    note(_preflight(setups, cleanup_record, cleanup=cleanup))
    probes: dict[ProviderName, Probe] = {}
    http: dict[str, Any] = {"clock": clock, "transport": transport, "timeout": timeout}
    try:
        for setup in setups:
            try:
                note(
                    _provider_checks(
                        setup,
                        probes,
                        cleanup=cleanup,
                        writing=write_test is not None,
                        record=cleanup_record,
                        **http,
                    )
                )
            except Unreachable as problem:
                note([Check(setup.provider, "connection", "failed", f"lost: {problem}")])
                lost = probes.pop(setup.provider, None)
                if lost is not None:
                    lost.close()
        if write_test is not None and cleanup_record is not None:
            from mailoptout._doctor_guesses import run_write_test  # noqa: PLC0415

            try:
                note(run_write_test(probes, write_test, cleanup_record))
            except Unreachable as problem:
                fix = "run `mailoptout doctor --cleanup` when it is back"
                note([Check(None, "write test", "failed", f"connection lost ({problem}): {fix}")])
        note(_finish(probes))
    finally:
        for probe in probes.values():
            probe.close()
    if only is None and sum(setup.credentials is not None for setup in setups) == 1:
        note(
            [Check(None, "sync", "info", "one provider configured: status works, sync needs both")]
        )
    return DoctorReport(tuple(checks))
