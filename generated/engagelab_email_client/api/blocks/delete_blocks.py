from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_blocks_request import DeleteBlocksRequest
from ...models.deleted_count import DeletedCount
from ...models.engagelab_error import EngagelabError
from ...types import Response


def _get_kwargs(
    *,
    body: DeleteBlocksRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/blocks",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeletedCount | EngagelabError | None:
    if response.status_code == 200:
        response_200 = DeletedCount.from_dict(response.json())

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
) -> Response[DeletedCount | EngagelabError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeleteBlocksRequest,
) -> Response[DeletedCount | EngagelabError]:
    """Unblock an address or a receiving domain

     Guess (the Blocks page's Delete section could not be read): `email_or_domain`, or both
    dates (at most 3 months apart, as deleting unsubscribes on the Unsubscribes page),
    answered with the count. Idempotent.

    Args:
        body (DeleteBlocksRequest): Guess (see deleteBlocks); `email_or_domain`, or both dates;
            the server enforces the either/or.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedCount | EngagelabError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: DeleteBlocksRequest,
) -> DeletedCount | EngagelabError | None:
    """Unblock an address or a receiving domain

     Guess (the Blocks page's Delete section could not be read): `email_or_domain`, or both
    dates (at most 3 months apart, as deleting unsubscribes on the Unsubscribes page),
    answered with the count. Idempotent.

    Args:
        body (DeleteBlocksRequest): Guess (see deleteBlocks); `email_or_domain`, or both dates;
            the server enforces the either/or.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedCount | EngagelabError
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeleteBlocksRequest,
) -> Response[DeletedCount | EngagelabError]:
    """Unblock an address or a receiving domain

     Guess (the Blocks page's Delete section could not be read): `email_or_domain`, or both
    dates (at most 3 months apart, as deleting unsubscribes on the Unsubscribes page),
    answered with the count. Idempotent.

    Args:
        body (DeleteBlocksRequest): Guess (see deleteBlocks); `email_or_domain`, or both dates;
            the server enforces the either/or.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeletedCount | EngagelabError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DeleteBlocksRequest,
) -> DeletedCount | EngagelabError | None:
    """Unblock an address or a receiving domain

     Guess (the Blocks page's Delete section could not be read): `email_or_domain`, or both
    dates (at most 3 months apart, as deleting unsubscribes on the Unsubscribes page),
    answered with the count. Idempotent.

    Args:
        body (DeleteBlocksRequest): Guess (see deleteBlocks); `email_or_domain`, or both dates;
            the server enforces the either/or.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeletedCount | EngagelabError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
