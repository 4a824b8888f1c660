from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.ncp_error_response import NcpErrorResponse
from ...models.send_block_page import SendBlockPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    size: int | Unset = 10,
    page: int | Unset = 0,
    sort: list[str] | Unset = UNSET,
    target_address: str,
    x_ncp_lang: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_ncp_lang, Unset):
        headers["x-ncp-lang"] = x_ncp_lang

    params: dict[str, Any] = {}

    params["size"] = size

    params["page"] = page

    json_sort: list[str] | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort

    params["sort"] = json_sort

    params["targetAddress"] = target_address

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/send-block",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NcpErrorResponse | SendBlockPage | None:
    if response.status_code == 200:
        response_200 = SendBlockPage.from_dict(response.json())

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
) -> Response[NcpErrorResponse | SendBlockPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    size: int | Unset = 10,
    page: int | Unset = 0,
    sort: list[str] | Unset = UNSET,
    target_address: str,
    x_ncp_lang: str | Unset = UNSET,
) -> Response[NcpErrorResponse | SendBlockPage]:
    """Send-block status and history of one recipient

     The time at which the system automatically blocks (and unblocks) sending to a recipient
    (getSendBlockList page).

    Args:
        size (int | Unset):  Default: 10.
        page (int | Unset):  Default: 0.
        sort (list[str] | Unset):
        target_address (str):
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NcpErrorResponse | SendBlockPage]
    """

    kwargs = _get_kwargs(
        size=size,
        page=page,
        sort=sort,
        target_address=target_address,
        x_ncp_lang=x_ncp_lang,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    size: int | Unset = 10,
    page: int | Unset = 0,
    sort: list[str] | Unset = UNSET,
    target_address: str,
    x_ncp_lang: str | Unset = UNSET,
) -> NcpErrorResponse | SendBlockPage | None:
    """Send-block status and history of one recipient

     The time at which the system automatically blocks (and unblocks) sending to a recipient
    (getSendBlockList page).

    Args:
        size (int | Unset):  Default: 10.
        page (int | Unset):  Default: 0.
        sort (list[str] | Unset):
        target_address (str):
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NcpErrorResponse | SendBlockPage
    """

    return sync_detailed(
        client=client,
        size=size,
        page=page,
        sort=sort,
        target_address=target_address,
        x_ncp_lang=x_ncp_lang,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    size: int | Unset = 10,
    page: int | Unset = 0,
    sort: list[str] | Unset = UNSET,
    target_address: str,
    x_ncp_lang: str | Unset = UNSET,
) -> Response[NcpErrorResponse | SendBlockPage]:
    """Send-block status and history of one recipient

     The time at which the system automatically blocks (and unblocks) sending to a recipient
    (getSendBlockList page).

    Args:
        size (int | Unset):  Default: 10.
        page (int | Unset):  Default: 0.
        sort (list[str] | Unset):
        target_address (str):
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NcpErrorResponse | SendBlockPage]
    """

    kwargs = _get_kwargs(
        size=size,
        page=page,
        sort=sort,
        target_address=target_address,
        x_ncp_lang=x_ncp_lang,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    size: int | Unset = 10,
    page: int | Unset = 0,
    sort: list[str] | Unset = UNSET,
    target_address: str,
    x_ncp_lang: str | Unset = UNSET,
) -> NcpErrorResponse | SendBlockPage | None:
    """Send-block status and history of one recipient

     The time at which the system automatically blocks (and unblocks) sending to a recipient
    (getSendBlockList page).

    Args:
        size (int | Unset):  Default: 10.
        page (int | Unset):  Default: 0.
        sort (list[str] | Unset):
        target_address (str):
        x_ncp_lang (str | Unset): Language of translated `label` fields. NAVER lists `ko-KR`, `en-
            US` (default) and `zh-CN`
            as example input values, not as a closed set: other values are passed on as data.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NcpErrorResponse | SendBlockPage
    """

    return (
        await asyncio_detailed(
            client=client,
            size=size,
            page=page,
            sort=sort,
            target_address=target_address,
            x_ncp_lang=x_ncp_lang,
        )
    ).parsed
