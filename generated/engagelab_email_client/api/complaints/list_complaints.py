import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.complaint_list import ComplaintList
from ...models.engagelab_error import EngagelabError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
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

    params["offset"] = offset

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/complaints",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ComplaintList | EngagelabError | None:
    if response.status_code == 200:
        response_200 = ComplaintList.from_dict(response.json())

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
) -> Response[ComplaintList | EngagelabError]:
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
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> Response[ComplaintList | EngagelabError]:
    """Query the spam complaint list

     `start_date`/`end_date` or `email` (the Complaints page's Query section; "one of these
    kinds", its own example sends neither). Borrowed from the Unsubscribes page, not
    documented for complaints (the Complaints page has no Tips): given dates at most 3 months
    apart, and the time frame ignored with `email`. Without dates the emulator serves the
    most recent 3 months ending today (the server's default is undocumented).

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplaintList | EngagelabError]
    """

    kwargs = _get_kwargs(
        start_date=start_date,
        end_date=end_date,
        email=email,
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
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> ComplaintList | EngagelabError | None:
    """Query the spam complaint list

     `start_date`/`end_date` or `email` (the Complaints page's Query section; "one of these
    kinds", its own example sends neither). Borrowed from the Unsubscribes page, not
    documented for complaints (the Complaints page has no Tips): given dates at most 3 months
    apart, and the time frame ignored with `email`. Without dates the emulator serves the
    most recent 3 months ending today (the server's default is undocumented).

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplaintList | EngagelabError
    """

    return sync_detailed(
        client=client,
        start_date=start_date,
        end_date=end_date,
        email=email,
        offset=offset,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    start_date: datetime.date | Unset = UNSET,
    end_date: datetime.date | Unset = UNSET,
    email: str | Unset = UNSET,
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> Response[ComplaintList | EngagelabError]:
    """Query the spam complaint list

     `start_date`/`end_date` or `email` (the Complaints page's Query section; "one of these
    kinds", its own example sends neither). Borrowed from the Unsubscribes page, not
    documented for complaints (the Complaints page has no Tips): given dates at most 3 months
    apart, and the time frame ignored with `email`. Without dates the emulator serves the
    most recent 3 months ending today (the server's default is undocumented).

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ComplaintList | EngagelabError]
    """

    kwargs = _get_kwargs(
        start_date=start_date,
        end_date=end_date,
        email=email,
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
    offset: int | Unset = 0,
    limit: int | Unset = 100,
) -> ComplaintList | EngagelabError | None:
    """Query the spam complaint list

     `start_date`/`end_date` or `email` (the Complaints page's Query section; "one of these
    kinds", its own example sends neither). Borrowed from the Unsubscribes page, not
    documented for complaints (the Complaints page has no Tips): given dates at most 3 months
    apart, and the time frame ignored with `email`. Without dates the emulator serves the
    most recent 3 months ending today (the server's default is undocumented).

    Args:
        start_date (datetime.date | Unset):
        end_date (datetime.date | Unset):
        email (str | Unset):
        offset (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ComplaintList | EngagelabError
    """

    return (
        await asyncio_detailed(
            client=client,
            start_date=start_date,
            end_date=end_date,
            email=email,
            offset=offset,
            limit=limit,
        )
    ).parsed
