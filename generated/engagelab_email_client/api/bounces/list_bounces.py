from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bounce_list import BounceList
from ...models.engagelab_error import EngagelabError
from ...types import UNSET, Response


def _get_kwargs(
    *,
    email: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["email"] = email

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/bounces",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BounceList | EngagelabError | None:
    if response.status_code == 200:
        response_200 = BounceList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = EngagelabError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = EngagelabError.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = EngagelabError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = EngagelabError.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BounceList | EngagelabError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    email: str,
) -> Response[BounceList | EngagelabError]:
    """Query the bounce list for one address

     `email` is the only parameter on the Bounces page, and required. The list wrapper is the
    one of every EngageLab list; bounce times are sent with offsets like `+0800` (the Bounces
    page's example).

    Args:
        email (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BounceList | EngagelabError]
    """

    kwargs = _get_kwargs(
        email=email,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    email: str,
) -> BounceList | EngagelabError | None:
    """Query the bounce list for one address

     `email` is the only parameter on the Bounces page, and required. The list wrapper is the
    one of every EngageLab list; bounce times are sent with offsets like `+0800` (the Bounces
    page's example).

    Args:
        email (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BounceList | EngagelabError
    """

    return sync_detailed(
        client=client,
        email=email,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    email: str,
) -> Response[BounceList | EngagelabError]:
    """Query the bounce list for one address

     `email` is the only parameter on the Bounces page, and required. The list wrapper is the
    one of every EngageLab list; bounce times are sent with offsets like `+0800` (the Bounces
    page's example).

    Args:
        email (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BounceList | EngagelabError]
    """

    kwargs = _get_kwargs(
        email=email,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    email: str,
) -> BounceList | EngagelabError | None:
    """Query the bounce list for one address

     `email` is the only parameter on the Bounces page, and required. The list wrapper is the
    one of every EngageLab list; bounce times are sent with offsets like `+0800` (the Bounces
    page's example).

    Args:
        email (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BounceList | EngagelabError
    """

    return (
        await asyncio_detailed(
            client=client,
            email=email,
        )
    ).parsed
