"""A client library for accessing NAVER Cloud Outbound Mailer - opt-out API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
