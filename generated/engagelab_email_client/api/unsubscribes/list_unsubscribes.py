import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.engagelab_error import EngagelabError
from ...models.unsubscribe_list import UnsubscribeList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
    api_user: str | Unset = UNSET,
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_start_date: str | Unset = UNSET
    if not isinstance(start_date, Unset):
        json_start_date = start_date.isoformat()
    params["start_date"] = json_start_date

    json_end_date: str | Unset = UNSET
    if not isinstance(end_date, Unset):
        json_end_date = end_date.isoformat()
    params["end_date"] = json_end_date

    params["email"] = email

    params["api_user"] = api_user

    params["offset"] = offset

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/unsubscribes",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EngagelabError | UnsubscribeList | None:
    if response.status_code == 200:
        response_200 = UnsubscribeList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = EngagelabError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = EngagelabError.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = EngagelabError.from_dict(response.json())

        return response_413

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
) -> Response[EngagelabError | UnsubscribeList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
    api_user: str | Unset = UNSET,
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> Response[EngagelabError | UnsubscribeList]:
    """Query the unsubscribe list

     The Unsubscribes page's `*` on `start_date`, `end_date` and `email` means "one of these
    kinds", not "always required": its own request example (`?offset=0&limit=30`) sends none
    of them. With `email` the time frame is ignored, and given dates may span at most 3
    months (both in the Unsubscribes page's Tips). Without dates the server's window is
    undocumented; the emulator serves the most recent 3 months
    ending today (from `end_date` back 3 months when only `end_date` is given, from
    `start_date` to today when only `start_date` is given). The list is account-wide;
    `api_user` narrows it to one API_USER.

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        api_user (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EngagelabError | UnsubscribeList]
    """

    kwargs = _get_kwargs(
        start_date=start_date,
        end_date=end_date,
        email=email,
        api_user=api_user,
        offset=offset,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
    api_user: str | Unset = UNSET,
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> EngagelabError | UnsubscribeList | None:
    """Query the unsubscribe list

     The Unsubscribes page's `*` on `start_date`, `end_date` and `email` means "one of these
    kinds", not "always required": its own request example (`?offset=0&limit=30`) sends none
    of them. With `email` the time frame is ignored, and given dates may span at most 3
    months (both in the Unsubscribes page's Tips). Without dates the server's window is
    undocumented; the emulator serves the most recent 3 months
    ending today (from `end_date` back 3 months when only `end_date` is given, from
    `start_date` to today when only `start_date` is given). The list is account-wide;
    `api_user` narrows it to one API_USER.

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        api_user (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EngagelabError | UnsubscribeList
    """

    return sync_detailed(
        client=client,
        start_date=start_date,
        end_date=end_date,
        email=email,
        api_user=api_user,
        offset=offset,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
    api_user: str | Unset = UNSET,
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> Response[EngagelabError | UnsubscribeList]:
    """Query the unsubscribe list

     The Unsubscribes page's `*` on `start_date`, `end_date` and `email` means "one of these
    kinds", not "always required": its own request example (`?offset=0&limit=30`) sends none
    of them. With `email` the time frame is ignored, and given dates may span at most 3
    months (both in the Unsubscribes page's Tips). Without dates the server's window is
    undocumented; the emulator serves the most recent 3 months
    ending today (from `end_date` back 3 months when only `end_date` is given, from
    `start_date` to today when only `start_date` is given). The list is account-wide;
    `api_user` narrows it to one API_USER.

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        api_user (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EngagelabError | UnsubscribeList]
    """

    kwargs = _get_kwargs(
        start_date=start_date,
        end_date=end_date,
        email=email,
        api_user=api_user,
        offset=offset,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
    api_user: str | Unset = UNSET,
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> EngagelabError | UnsubscribeList | None:
    """Query the unsubscribe list

     The Unsubscribes page's `*` on `start_date`, `end_date` and `email` means "one of these
    kinds", not "always required": its own request example (`?offset=0&limit=30`) sends none
    of them. With `email` the time frame is ignored, and given dates may span at most 3
    months (both in the Unsubscribes page's Tips). Without dates the server's window is
    undocumented; the emulator serves the most recent 3 months
    ending today (from `end_date` back 3 months when only `end_date` is given, from
    `start_date` to today when only `start_date` is given). The list is account-wide;
    `api_user` narrows it to one API_USER.

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        api_user (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EngagelabError | UnsubscribeList
    """

    return (
        await asyncio_detailed(
            client=client,
            start_date=start_date,
            end_date=end_date,
            email=email,
            api_user=api_user,
            offset=offset,
            limit=limit,
        )
    ).parsed
