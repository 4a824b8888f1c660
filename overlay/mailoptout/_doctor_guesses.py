"""The doctor's checks of the specs' guesses (README, "How true the specs are") against an account.

Each check reads what it needs and answers ``confirmed``, ``refuted`` or ``not_checkable`` (with
the reason), with the evidence; a list page that the library's models cannot read is a failure
(sync and status need it). The write test adds and removes one address on EngageLab's blocks and
allow-list, noting each entry in the cleanup record before writing it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Iterator
from typing import Any

import httpx

from mailoptout._doctor import (
    Check,
    CleanupRecord,
    Pending,
    Probe,
    Status,
    error_code,
    error_text,
    json_body,
)
from mailoptout._extras import EXTRAS
from mailoptout._identity import address_key
from mailoptout._providers import ProviderName
from mailoptout._time import ENGAGELAB_NAIVE_TZ, KST, add_months, to_epoch_ms

__all__ = ["cleanup", "read_checks", "run_write_test"]

NCP_ITEM_FIELDS = ("address", "blockDate", "isRegByManager")
"""Marked Required on NAVER's data-type page (api-notes, "More corrections")."""
PAGES: dict[str, tuple[ProviderName, str, str]] = {
    # list -> (provider, schema in the spec, generated module.class)
    "ncp/unsubscribers": (
        "ncp",
        "UnsubscriberPage",
        "ncp_mailer_client.models.UnsubscriberPage",
    ),
    "engagelab/unsubscribes": (
        "engagelab",
        "UnsubscribeList",
        "engagelab_email_client.models.UnsubscribeList",
    ),
    "engagelab/complaints": (
        "engagelab",
        "ComplaintList",
        "engagelab_email_client.models.ComplaintList",
    ),
    "engagelab/blocks": (
        "engagelab",
        "BlockList",
        "engagelab_email_client.models.BlockList",
    ),
    "engagelab/no_interceptions": (
        "engagelab",
        "NoInterceptionList",
        "engagelab_email_client.models.NoInterceptionList",
    ),
}
ENTRY_KEYS = {
    "unsubscribes": "email",
    "complaints": "email",
    "blocks": "email_or_domain",
    "no_interceptions": "email_or_domain",
}
WRITE_TEST_LISTS = ("blocks", "no_interceptions")
FAR_DAY = "2001-01-01"
"""A day no entry of a live account was made on (the email-ignores-dates check asks for it)."""


def _check(probe: Probe, name: str, status: Status, summary: str, evidence: str = "") -> Check:
    return Check(probe.provider, name, status, summary, evidence)


def _items(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    items = body.get("content", body.get("result"))
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _spec_problems(provider: ProviderName, schema: str, body: Any) -> list[str] | None:
    """Where ``body`` departs from the spec's ``schema`` (None when the emulator extra, which
    reads the specs, is not installed)."""
    if any(importlib.util.find_spec(name) is None for name in EXTRAS["emulator"]):
        return None
    from mailoptout.emulator._spec import schema_validator  # noqa: PLC0415 - optional extra

    validator = schema_validator(provider, f"/components/schemas/{schema}")
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(page)'}: {error.message}"
        for error in validator.iter_errors(body)
    ]


def _model_problem(model: str, body: Any) -> str | None:
    """Why the library's generated model cannot read ``body`` (None if it can)."""
    module, _, name = model.rpartition(".")
    try:
        getattr(importlib.import_module(module), name).from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        return f"{type(problem).__name__}: {problem}"
    return None


def _page_checks(probe: Probe, key: str, response: httpx.Response) -> Iterator[Check]:
    """Can the library read this list's page (a failure if not), and does it fit the spec?"""
    provider, schema, model = PAGES[key]
    body = json_body(response)
    if response.status_code >= 300:
        yield _check(
            probe,
            f"{key} page",
            "failed",
            f"listing it was answered {error_text(provider, response)}",
        )
        return
    broken = _model_problem(model, body)
    if broken is not None:
        yield _check(
            probe,
            f"{key} page",
            "failed",
            f"the library cannot read this page ({broken}): sync and status cannot work; report it",
        )
    problems = _spec_problems(provider, schema, body)
    items = _items(body)
    seen = sorted({field for item in items for field in item})
    always = sorted(set.intersection(*(set(item) for item in items))) if items else []
    evidence = (
        f"{len(items)} items; fields always present: {', '.join(always) or '-'};"
        f" seen: {', '.join(seen) or '-'}"
    )
    if problems is None:
        yield _check(
            probe,
            f"{key} shape",
            "not_checkable",
            "the emulator extra (which reads the specs) is not installed",
            evidence,
        )
    elif problems:
        yield _check(
            probe,
            f"{key} shape",
            "refuted",
            f"the page departs from the spec: {problems[0]}",
            "; ".join(problems[:5]),
        )
    else:
        yield _check(
            probe,
            f"{key} shape",
            "confirmed",
            f"the page fits the spec ({len(items)} items checked)",
            evidence,
        )


# NAVER ---------------------------------------------------------------------------------------


def _ncp_checks(probe: Probe) -> Iterator[Check]:
    now_ms = to_epoch_ms(dt.datetime.fromtimestamp(probe.clock(), tz=dt.UTC))
    page = probe.get("/unsubscribers", startUtc=0, endUtc=now_ms, size=20)
    yield from _page_checks(probe, "ncp/unsubscribers", page)
    items = _items(json_body(page))
    if page.status_code < 300 and isinstance(json_body(page), dict):
        wrapper = [
            f
            for f in (
                "last",
                "totalElements",
                "totalPages",
                "first",
                "numberOfElements",
                "size",
                "number",
                "sort",
            )
            if f not in json_body(page)
        ]
        yield _check(
            probe,
            "spring page",
            "refuted" if wrapper else "confirmed",
            f"getUnsubscribersList's page lacks {', '.join(wrapper)}"
            if wrapper
            else "getUnsubscribersList answers a Spring page",
        )
    if not items:
        yield _check(probe, "item fields", "not_checkable", "the unsubscribe list is empty")
    else:
        missing = sorted({f for item in items for f in NCP_ITEM_FIELDS if item.get(f) is None})
        yield _check(
            probe,
            "item fields",
            "refuted" if missing else "confirmed",
            f"items without {', '.join(missing)}"
            if missing
            else f"{', '.join(NCP_ITEM_FIELDS)} in all {len(items)} items",
        )
    today = dt.datetime.fromtimestamp(probe.clock(), tz=KST).strftime("%Y-%m-%d")
    refused, evidence = [], []
    for form, start, end in (
        ("yyyy-MM-dd HH:mm:ss.SSS", "2000-01-01 00:00:00.000", f"{today} 23:59:59.999"),
        ("yyyy-MM-dd HH:mm:ss SSS", "2000-01-01 00:00:00 000", f"{today} 23:59:59 999"),
    ):
        answer = probe.get("/unsubscribers", startDateTime=start, endDateTime=end, size=1)
        evidence.append(f"{form}: {answer.status_code}")
        if answer.status_code >= 300:
            refused.append(f"{form} ({error_text('ncp', answer)})")
    undocumented = probe.get(
        "/unsubscribers",
        startDateTime="2000-01-01 00:00:00",
        endDateTime=f"{today} 23:59:59",
        size=1,
    )
    evidence.append(f"yyyy-MM-dd HH:mm:ss (on no page): {undocumented.status_code}")
    yield _check(
        probe,
        "date-time formats",
        "refuted" if refused else "confirmed",
        f"refused: {'; '.join(refused)}"
        if refused
        else "both documented millisecond forms are accepted",
        ", ".join(evidence),
    )
    block = probe.get("/send-block", targetAddress="mailoptout-doctor@example.invalid")
    status = (
        (json_body(block) or {}).get("registerStatus")
        if isinstance(json_body(block), dict)
        else None
    )
    yield _check(
        probe,
        "send-block status",
        "not_checkable",
        "`Blocked` and the 7-day lift need an address NAVER blocked; no API blocks one",
        f"an unknown address reads registerStatus={status!r} ({block.status_code})",
    )
    yield _check(
        probe, "body limit", "not_checkable", "would need a write over 1 MiB; not attempted"
    )
    yield _check(
        probe,
        "write answers",
        "not_checkable",
        "count/requestCount/ignoreCount need a NAVER write; the write test writes to EngageLab",
    )


# EngageLab -----------------------------------------------------------------------------------


def _day(probe: Probe) -> dt.date:
    return dt.datetime.fromtimestamp(probe.clock(), tz=ENGAGELAB_NAIVE_TZ).date()


def _total(response: httpx.Response) -> int | None:
    body = json_body(response)
    total = body.get("total") if isinstance(body, dict) else None
    return total if isinstance(total, int) else None


def _keys(response: httpx.Response, key: str) -> list[str]:
    return [str(item.get(key)) for item in _items(json_body(response))]


def _engagelab_checks(probe: Probe, *, writing: bool) -> Iterator[Check]:
    pages = {name: probe.get(f"/v1/{name}", limit=20) for name in ENTRY_KEYS}
    for name, page in pages.items():
        yield from _page_checks(probe, f"engagelab/{name}", page)
    today = _day(probe)
    window = {"start_date": add_months(today, -3).isoformat(), "end_date": today.isoformat()}
    dated = probe.get("/v1/unsubscribes", limit=1, **window)
    plain, explicit = _total(pages["unsubscribes"]), _total(dated)
    evidence = (
        f"no dates: total {plain}; {window['start_date']}..{window['end_date']}: total {explicit}"
    )
    if plain is None or explicit is None:
        yield _check(
            probe, "default window", "not_checkable", "a list answer had no total", evidence
        )
    elif plain != explicit:
        yield _check(
            probe,
            "default window",
            "refuted",
            "a list without dates is not the last 3 months",
            evidence,
        )
    elif plain == 0:
        yield _check(
            probe,
            "default window",
            "not_checkable",
            "no unsubscribe in the last 3 months to compare",
            evidence,
        )
    else:
        yield _check(
            probe,
            "default window",
            "confirmed",
            "a list without dates serves the last 3 months",
            evidence,
        )
    yield from _offset_checks(probe)
    year_ago = {"start_date": add_months(today, -12).isoformat(), "end_date": today.isoformat()}
    allow = probe.get("/v1/no_interceptions", limit=1, **year_ago)
    yield _check(
        probe,
        "allow-list window",
        "confirmed" if allow.status_code < 300 else "refuted",
        "the allow-list takes a 12-month range"
        if allow.status_code < 300
        else f"a 12-month range was refused ({error_text('engagelab', allow)})",
    )
    complaints = probe.get("/v1/complaints", limit=1, **year_ago)
    limited = complaints.status_code == 400
    yield _check(
        probe,
        "complaints window",
        "confirmed" if limited else "refuted",
        "complaints refuse a 12-month range (the 3-month rule borrowed from unsubscribes holds)"
        if limited
        else f"complaints took a 12-month range ({complaints.status_code}): no 3-month rule",
        error_text("engagelab", complaints) if limited else "",
    )
    yield from _email_rule_checks(probe, pages)
    too_long = probe.get("/v1/unsubscribes", limit=1, **year_ago)
    code = error_code("engagelab", too_long)
    if too_long.status_code < 400:
        yield _check(
            probe,
            "error codes",
            "not_checkable",
            f"a 12-month unsubscribe range was served ({too_long.status_code})",
        )
    else:
        guessed = str(too_long.status_code * 100)
        yield _check(
            probe,
            "error codes",
            "confirmed" if code == guessed else "refuted",
            f"a {too_long.status_code} carries code {code} (the emulator sends status x 100)",
            error_text("engagelab", too_long),
        )
    for name in () if writing else ("write bodies", "block expiry", "plain times"):
        yield _check(
            probe,
            name,
            "not_checkable",
            "needs --write-test ADDRESS (adds and removes one test address)",
        )


def _offset_checks(probe: Probe) -> Iterator[Check]:
    for name in ("blocks", "no_interceptions"):
        key = ENTRY_KEYS[name]
        head = _keys(probe.get(f"/v1/{name}", limit=3, offset=0), key)
        if len(head) < 3:
            yield _check(
                probe,
                f"{name} offset",
                "not_checkable",
                f"fewer than 3 entries listed ({len(head)})",
            )
            continue
        shifted = _keys(probe.get(f"/v1/{name}", limit=2, offset=1), key)
        evidence = f"offset=0&limit=3: {head}; offset=1&limit=2: {shifted}"
        start = shifted == head[1:3]
        yield _check(
            probe,
            f"{name} offset",
            "confirmed" if start else "refuted",
            "offset is the start position" if start else "offset is not the start position",
            evidence,
        )


def _email_rule_checks(probe: Probe, pages: dict[str, httpx.Response]) -> Iterator[Check]:
    for name in ("unsubscribes", "complaints", "blocks"):
        key = ENTRY_KEYS[name]
        entries = _keys(pages[name], key)
        if not entries:
            yield _check(probe, f"{name} by entry", "not_checkable", f"no {name} entry to look up")
            continue
        found = _keys(
            probe.get(
                f"/v1/{name}", limit=20, start_date=FAR_DAY, end_date=FAR_DAY, **{key: entries[0]}
            ),
            key,
        )
        ignored = entries[0] in found
        yield _check(
            probe,
            f"{name} by entry",
            "confirmed" if ignored else "refuted",
            f"a look-up by {key} ignores the dates"
            if ignored
            else f"a look-up by {key} applies the dates",
            f"{key}=<an entry>&start_date=end_date={FAR_DAY}: {len(found)} items",
        )


def read_checks(probe: Probe, *, writing: bool) -> Iterator[Check]:
    """The read-only guess checks of ``probe``'s provider (``writing``: a write test follows)."""
    yield from (
        _ncp_checks(probe) if probe.provider == "ncp" else _engagelab_checks(probe, writing=writing)
    )


# The write test ------------------------------------------------------------------------------


def _presence(probes: dict[ProviderName, Probe], address: str) -> list[str]:
    """The lists ``address`` is on now."""
    found = []
    if "ncp" in probes:
        ncp = probes["ncp"]
        now = to_epoch_ms(dt.datetime.fromtimestamp(ncp.clock(), tz=dt.UTC))
        if _items(
            json_body(ncp.get("/unsubscribers", startUtc=0, endUtc=now, emailAddress=address))
        ):
            found.append("ncp/unsubscribers")
        block = json_body(ncp.get("/send-block", targetAddress=address))
        if isinstance(block, dict) and block.get("expectedDeleteDate"):
            found.append("ncp/send-block")
    if "engagelab" in probes:
        engagelab = probes["engagelab"]
        for name, key in (*ENTRY_KEYS.items(), ("bounces", "email")):
            listed = _keys(engagelab.get(f"/v1/{name}", **{key: address}), key)
            if address_key(address) in map(address_key, listed):
                found.append(f"engagelab/{name}")
    return found


def _listed(probe: Probe, name: str, address: str) -> dict[str, Any] | None:
    key = ENTRY_KEYS[name]
    for item in _items(json_body(probe.get(f"/v1/{name}", **{key: address}))):
        if address_key(str(item.get(key))) == address_key(address):
            return item
    return None


def _remove(probe: Probe, item: Pending) -> httpx.Response:
    return probe.send("DELETE", f"/v1/{item.list}", body={ENTRY_KEYS[item.list]: item.entry})


def run_write_test(
    probes: dict[ProviderName, Probe], address: str, record: CleanupRecord
) -> Iterator[Check]:
    """Add ``address`` to EngageLab's blocks and allow-list and remove it again; delete it from
    the complaints (it cannot be added there). Refused if the address is on any list now."""
    if "engagelab" not in probes:
        yield Check(
            None,
            "write test",
            "not_checkable",
            "the guessed bodies are EngageLab's, which is not reachable here",
        )
        return
    probe = probes["engagelab"]
    already = _presence(probes, address)
    if already:
        yield Check(
            None,
            "write test",
            "failed",
            f"the test address is already on {', '.join(already)}: choose one on no list",
        )
        return
    for name in WRITE_TEST_LISTS:
        yield from _write_one(probe, name, address, record)
    complaint = probe.send("DELETE", "/v1/complaints", body={"email": address})
    yield _check(
        probe,
        "complaints delete body",
        "not_checkable" if complaint.status_code < 300 else "refuted",
        "complaints cannot be added; deleting an absent address was accepted:"
        " weak evidence that the body is read"
        if complaint.status_code < 300
        else f"deleting by email was refused ({error_text('engagelab', complaint)})",
    )


def _write_one(probe: Probe, name: str, address: str, record: CleanupRecord) -> Iterator[Check]:
    item = Pending("engagelab", name, address)
    record.add(item)
    before = probe.clock()
    added = probe.send("POST", f"/v1/{name}", body={ENTRY_KEYS[name]: address})
    listed = _listed(probe, name, address)
    if added.status_code >= 300 or listed is None:
        if listed is None:
            record.done(item)
        said = (
            error_text("engagelab", added)
            if added.status_code >= 300
            else f"{added.status_code}, but not listed after"
        )
        yield _check(
            probe, f"{name} write body", "refuted", f"adding with the guessed body failed ({said})"
        )
        return
    if name == "blocks":
        yield from _block_times(probe, listed, before)
    _remove(probe, item)
    if _listed(probe, name, address) is not None:
        yield _check(
            probe,
            f"{name} write body",
            "refuted",
            "added, but the guessed delete body left it listed: remove the test address"
            f" from {name} in EngageLab's console",
        )
        return
    record.done(item)
    yield _check(
        probe,
        f"{name} write body",
        "confirmed",
        "the guessed add and delete bodies work (added, listed, removed)",
    )


def _block_times(probe: Probe, listed: dict[str, Any], before: float) -> Iterator[Check]:
    expire = listed.get("expire_time")
    yield _check(
        probe,
        "block expiry",
        "refuted" if expire else "confirmed",
        f"a block added without expire_time expires at {expire}"
        if expire
        else "a block added without expire_time has none",
    )
    created = str(listed.get("create_time") or "")
    try:
        moment = dt.datetime.fromisoformat(created)
    except ValueError:
        yield _check(
            probe, "plain times", "not_checkable", f"create_time {created!r} is not a time"
        )
        return
    if moment.tzinfo is not None:
        yield _check(
            probe, "plain times", "not_checkable", f"create_time {created!r} carries its offset"
        )
        return
    off = moment.replace(tzinfo=ENGAGELAB_NAIVE_TZ).timestamp() - before
    close = -120 <= off <= 120
    yield _check(
        probe,
        "plain times",
        "confirmed" if close else "refuted",
        "a plain time read as +08:00 is the time the block was added"
        if close
        else f"read as +08:00, create_time is {off / 3600:+.1f} h off the time of adding",
        f"create_time {created!r}",
    )


def cleanup(probe: Probe, record: CleanupRecord) -> Iterator[Check]:
    """Remove what an interrupted write test left on ``probe``'s provider."""
    for item in record.pending():
        if item.provider != probe.provider:
            continue
        if _listed(probe, item.list, item.entry) is not None:
            _remove(probe, item)
        if _listed(probe, item.list, item.entry) is None:
            record.done(item)
            yield _check(probe, "cleanup", "ok", f"the test address is off {item.list}")
        else:
            yield _check(
                probe,
                "cleanup",
                "failed",
                f"the test address stays on {item.list}: remove it in EngageLab's console",
            )
