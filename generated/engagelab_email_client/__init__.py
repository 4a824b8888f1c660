"""A client library for accessing EngageLab Email - suppression lists API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
