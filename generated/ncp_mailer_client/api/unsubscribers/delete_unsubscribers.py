from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.blocked_receivers_request import BlockedReceiversRequest
from ...models.ncp_error_response import NcpErrorResponse
from ...models.unsubscribers_result import UnsubscribersResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BlockedReceiversRequest,
    x_ncp_lang: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_ncp_lang, Unset):
        headers["x-ncp-lang"] = x_ncp_lang

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/unsubscribers",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NcpErrorResponse | UnsubscribersResult | None:
    if response.status_code == 200:
        response_200 = UnsubscribersResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = NcpErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = NcpErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = NcpErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = NcpErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 405:
        response_405 = NcpErrorResponse.from_dict(response.json())

        return response_405

    if response.status_code == 413:
        response_413 = NcpErrorResponse.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = NcpErrorResponse.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = NcpErrorResponse.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = NcpErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = NcpErrorResponse.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = NcpErrorResponse.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[NcpErrorResponse | UnsubscribersResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BlockedReceiversRequest,
    x_ncp_lang: str | Unset = UNSET,
) -> Response[NcpErrorResponse | UnsubscribersResult]:
    """Remove addresses from the unsubscribe list

     Removing an address that is not on the list changes nothing; it is counted in
    `ignoreCount` (deleteUnsubscribers page). The call is therefore idempotent. The page does
    not state the status code of success: 200 is assumed.

    Args:
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.
        body (BlockedReceiversRequest): Addresses to add to or remove from the unsubscribe list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NcpErrorResponse | UnsubscribersResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_ncp_lang=x_ncp_lang,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: BlockedReceiversRequest,
    x_ncp_lang: str | Unset = UNSET,
) -> NcpErrorResponse | UnsubscribersResult | None:
    """Remove addresses from the unsubscribe list

     Removing an address that is not on the list changes nothing; it is counted in
    `ignoreCount` (deleteUnsubscribers page). The call is therefore idempotent. The page does
    not state the status code of success: 200 is assumed.

    Args:
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.
        body (BlockedReceiversRequest): Addresses to add to or remove from the unsubscribe list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NcpErrorResponse | UnsubscribersResult
    """

    return sync_detailed(
        client=client,
        body=body,
        x_ncp_lang=x_ncp_lang,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BlockedReceiversRequest,
    x_ncp_lang: str | Unset = UNSET,
) -> Response[NcpErrorResponse | UnsubscribersResult]:
    """Remove addresses from the unsubscribe list

     Removing an address that is not on the list changes nothing; it is counted in
    `ignoreCount` (deleteUnsubscribers page). The call is therefore idempotent. The page does
    not state the status code of success: 200 is assumed.

    Args:
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.
        body (BlockedReceiversRequest): Addresses to add to or remove from the unsubscribe list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NcpErrorResponse | UnsubscribersResult]
    """

    kwargs = _get_kwargs(
        body=body,
        x_ncp_lang=x_ncp_lang,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: BlockedReceiversRequest,
    x_ncp_lang: str | Unset = UNSET,
) -> NcpErrorResponse | UnsubscribersResult | None:
    """Remove addresses from the unsubscribe list

     Removing an address that is not on the list changes nothing; it is counted in
    `ignoreCount` (deleteUnsubscribers page). The call is therefore idempotent. The page does
    not state the status code of success: 200 is assumed.

    Args:
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.
        body (BlockedReceiversRequest): Addresses to add to or remove from the unsubscribe list.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NcpErrorResponse | UnsubscribersResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_ncp_lang=x_ncp_lang,
        )
    ).parsed
