"""Drift on purpose: an ASGI layer in front of the emulator that rewrites list answers.

Test-only (``scripts/contract.py --emulator --mutate NAME``): each mutation turns one field of
the items (or the page) of one list operation into what a drifted provider might send. The
contract run must then fail; tests/test_contract_mutations.py checks that it does, for each.
The specs are never edited: the layer changes answers on their way out, as a provider would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MUTATIONS", "Mutating", "Mutation"]

Body = dict[str, Any]


class Mutation:
    """Rewrites the 2xx JSON answers of one operation (``method``, ``path`` after the prefix)."""

    def __init__(
        self,
        provider: str,
        operation_id: str,
        path: str,
        *,
        item: Callable[[Body], None] | None = None,
        page: Callable[[Body], None] | None = None,
    ) -> None:
        self.provider = provider
        self.operation_id = operation_id
        self.path = path
        self.item = item
        self.page = page

    def applies(self, method: str, path: str) -> bool:
        return method == "GET" and path.endswith(self.path)

    def rewrite(self, body: Body) -> Body:
        items = body.get("content" if self.provider == "ncp" else "result")
        if self.item is not None and isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    self.item(item)
        if self.page is not None:
            self.page(body)
        return body


def _set(key: str, value: Callable[[Any], Any]) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        if key in body:
            body[key] = value(body[key])

    return change


def _drop(key: str) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body.pop(key, None)

    return change


def _rename(key: str, new: str) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        if key in body:
            body[new] = body.pop(key)

    return change


def _ncp(item: Callable[[Body], None] | None = None, **kw: Any) -> Mutation:
    return Mutation("ncp", "getUnsubscribersList", "/unsubscribers", item=item, **kw)


def _engagelab(item: Callable[[Body], None] | None = None, **kw: Any) -> Mutation:
    return Mutation("engagelab", "listUnsubscribes", "/v1/unsubscribes", item=item, **kw)


MUTATIONS: dict[str, Mutation] = {
    # a required field's type changed
    "engagelab-time-as-integer": _engagelab(_set("unsubscribe_time", lambda _: 1610442203)),
    "ncp-blockdate-as-string": _ncp(_set("blockDate", lambda v: v.get("formattedDateTime", ""))),
    # a required field dropped, then the same field renamed
    "engagelab-email-dropped": _engagelab(_drop("email")),
    "engagelab-email-renamed": _engagelab(_rename("email", "mail")),
    "ncp-address-dropped": _ncp(_drop("address")),
    "ncp-address-renamed": _ncp(_rename("address", "emailAddress")),
    # the page's total as a string
    "engagelab-total-as-string": _engagelab(page=_set("total", str)),
    "ncp-total-as-string": _ncp(page=_set("totalElements", str)),
    # NAVER's address null
    "ncp-address-null": _ncp(_set("address", lambda _: None)),
}
"""Every drift the contract command must catch, by name."""


class Mutating:
    """ASGI middleware applying one :class:`Mutation` to the answers it matches."""

    def __init__(self, app: ASGIApp, mutation: Mutation) -> None:
        self.app = app
        self.mutation = mutation
        self.rewritten = 0
        """Answers changed so far (a run that changed none proves nothing)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.mutation.applies(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._send(start, b"".join(chunks), send)
            else:
                await send(message)

        await self.app(scope, receive, hold)

    async def _send(self, start: Message, body: bytes, send: Send) -> None:
        if 200 <= start["status"] < 300:
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                body = json.dumps(self.mutation.rewrite(decoded)).encode()
                self.rewritten += 1
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
