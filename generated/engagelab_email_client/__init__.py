"""A client library for accessing EngageLab Email - unsubscribes API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
