"""Every request example of the providers' pages, sent as shown to the emulator over a socket.

The curl commands are read from the pages themselves (tests/vectors/api-docs, byte-for-byte
copies): method, URL, headers and body as written. NAVER's ``{Timestamp}``/``{Access Key}``/
``{API Gateway Signature}`` placeholders are filled in by signing the request as it goes on the
wire; EngageLab's example credentials (``api_user:api_key``) are an account of the emulator.
"""

from __future__ import annotations

import datetime as dt
import shlex
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mailoptout import ncp_signature
from mailoptout._providers import ProviderName
from mailoptout.emulator import (
    DEFAULT_NCP_ACCESS_KEY,
    DEFAULT_NCP_SECRET_KEY,
    EmulatorState,
    create_app,
    serve_in_thread,
)
from mailoptout.emulator._spec import load_spec
from spec_walk import API_DOCS, SHARED_API_DOCS

PAGES: dict[str, ProviderName] = {
    "engagelab-unsubscribes.txt": "engagelab",
    "engagelab-bounces.txt": "engagelab",
    "engagelab-complaints.txt": "engagelab",
    "engagelab-blocks.txt": "engagelab",
    "engagelab-no_interceptions.txt": "engagelab",
    "ncp-getSendBlockList.txt": "ncp",
    "ncp-registerUnsubscribers.txt": "ncp",
}
PROVIDER_HOSTS = {"https://email.api.engagelab.cc": "", "https://mail.apigw.ntruss.com": ""}


def _complete(text: str) -> bool:
    try:
        shlex.split(text)
    except ValueError:  # an open quote: the command goes on
        return False
    return True


def curl_commands(text: str) -> list[list[str]]:
    """The curl commands of a page as argument lists (the pages repeat each one: deduplicated)."""
    lines, found = text.splitlines(), []
    index = 0
    while index < len(lines):
        if not lines[index].strip().startswith("curl "):
            index += 1
            continue
        block = lines[index].strip()
        index += 1
        while index < len(lines) and (
            not _complete(block) or lines[index].strip().startswith(("-", "'"))
        ):
            block += "\n" + (lines[index] if not _complete(block) else lines[index].strip())
            index += 1
        command = shlex.split(block.replace("\\\n", " "))  # a shell line continuation
        if command not in found:
            found.append(command)
    return found


def parse_curl(command: list[str]) -> tuple[str, str, list[tuple[str, str]], bytes | None]:
    """(method, url, headers, body) of one curl command."""
    method, url, headers, body = "GET", "", [], None
    args = iter(command[1:])
    for arg in args:
        if arg in ("-X", "--request"):
            method = next(args)
        elif arg in ("-H", "--header"):
            name, _, value = next(args).partition(":")
            headers.append((name.strip(), value.strip()))
        elif arg in ("--data", "--data-raw"):
            body = next(args).encode()
        elif arg.startswith("http"):
            url = "".join(arg.split())  # a page wraps a long URL: the line break is not in it
    return method, url, headers, body


def documented_requests() -> list[Any]:
    found = []
    for page, provider in PAGES.items():
        commands = curl_commands((API_DOCS / page).read_text(encoding="utf-8"))
        assert commands, page
        for number, command in enumerate(commands):
            found.append(pytest.param(provider, *parse_curl(command), id=f"{page}#{number}"))
    return found


def test_the_copied_pages_are_the_shared_ones() -> None:
    """tests/vectors/api-docs holds the shared pages unchanged (checked where they are)."""
    if not SHARED_API_DOCS.is_dir():
        pytest.skip("the shared api-docs folder is not beside this checkout")
    for page in PAGES:
        if (SHARED_API_DOCS / page).is_file():  # the suppression pages are ours (read with search)
            assert (API_DOCS / page).read_bytes() == (SHARED_API_DOCS / page).read_bytes()


def test_every_page_request_is_found() -> None:
    """Each page's curl commands: unsubscribes (query, add, delete), the Query of the four other
    EngageLab lists, and NAVER's two."""
    requests = sorted((p.values[1], p.values[2].split("?")[0]) for p in documented_requests())
    engagelab = "https://email.api.engagelab.cc/v1/"
    naver = "https://mail.apigw.ntruss.com/api/v1/"
    assert requests == [
        ("DELETE", engagelab + "unsubscribes"),
        ("GET", engagelab + "blocks"),
        ("GET", engagelab + "bounces"),
        ("GET", engagelab + "complaints"),
        ("GET", engagelab + "no_interceptions"),
        ("GET", engagelab + "unsubscribes"),
        ("GET", naver + "send-block"),
        ("POST", engagelab + "unsubscribes"),
        ("POST", naver + "unsubscribers"),
    ]


def documented_fields(provider: ProviderName, path: str, method: str) -> tuple[str, Any]:
    """(status, example) of the page's own success answer kept in the spec for an operation."""
    operation = load_spec(provider)["paths"][path][method.lower()]
    for status, answer in operation["responses"].items():
        if status.startswith("2"):
            examples = answer["content"]["application/json"]["examples"]
            return status, examples["api-docs"]["value"]
    raise AssertionError(f"no success example for {method} {path}")


def assert_has_fields(documented: Any, answered: Any, where: str = "") -> None:
    """Every field of the documented answer is in ours (lists: their first items)."""
    if isinstance(documented, dict):
        assert isinstance(answered, dict), where
        missing = set(documented) - set(answered)
        assert not missing, f"{where}: missing {sorted(missing)}"
        for key, value in documented.items():
            assert_has_fields(value, answered[key], f"{where}.{key}")
    elif isinstance(documented, list) and documented and documented[0] is not None:
        assert answered, f"{where}: empty"
        assert_has_fields(documented[0], answered[0], f"{where}[0]")


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    state = EmulatorState(engagelab_users={"api_user": "api_key"})
    far = state.clock() + 365 * 86_400
    expire = dt.datetime.fromtimestamp(far, tz=dt.UTC)
    state.engagelab_add("api_user", "524244185@qq.com", expire, type_=0)
    lists = state.suppressions
    lists.add("bounces", "api_user", "1@2.com", expire=expire, reason="Mailbox not found.")
    lists.add("complaints", "api_user", "9978977@qq.com", expire=expire, reason="spam")
    lists.add("blocks", "api_user", "11@gmail.com", expire=expire)
    lists.add("no_interceptions", "api_user", "wbw@hotmail.com")
    now_ms = state.now_ms()
    state.seed_send_block(
        "test01@ncp-mail.com",
        [
            ("C", "OTHER_CUSTOMER", now_ms - 2000, "RECIPIENT_ADDRESS_ERROR", "550 5.1.1"),
            ("D", "SYSTEM", now_ms - 1000, None, None),
        ],
    )
    with serve_in_thread(create_app(state)) as root:
        yield root


@pytest.mark.parametrize(("provider", "method", "url", "headers", "body"), documented_requests())
def test_page_request_gets_2xx_with_the_documented_fields(
    emulator: str,
    provider: ProviderName,
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes | None,
) -> None:
    """The provider's own example, sent as written, is served with every documented field."""
    host = next(h for h in PROVIDER_HOSTS if url.startswith(h))
    with httpx.Client() as client:
        request = client.build_request(
            method, emulator + url.removeprefix(host), headers=headers, content=body
        )
        if provider == "ncp":
            timestamp = str(round(time.time() * 1000))
            uri = request.url.raw_path.decode("ascii")
            request.headers["x-ncp-apigw-timestamp"] = timestamp
            request.headers["x-ncp-iam-access-key"] = DEFAULT_NCP_ACCESS_KEY
            request.headers["x-ncp-apigw-signature-v2"] = ncp_signature(
                method, uri, timestamp, DEFAULT_NCP_ACCESS_KEY, DEFAULT_NCP_SECRET_KEY
            )
        assert "{" not in "".join(request.headers.values()), "a placeholder was left unfilled"
        assert request.content == (body or b"")
        response = client.send(request)
    path = request.url.path.removeprefix("/api/v1")
    status, documented = documented_fields(provider, path, method)
    assert response.status_code == int(status), response.text
    assert_has_fields(documented, response.json())
