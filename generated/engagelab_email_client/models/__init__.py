"""Contains all the data models used in inputs/outputs"""

from .add_unsubscribe_request import AddUnsubscribeRequest
from .add_unsubscribe_response import AddUnsubscribeResponse
from .added_unsubscribe import AddedUnsubscribe
from .delete_unsubscribes_request import DeleteUnsubscribesRequest
from .delete_unsubscribes_response import DeleteUnsubscribesResponse
from .engagelab_error import EngagelabError
from .unsubscribe import Unsubscribe
from .unsubscribe_list import UnsubscribeList

__all__ = (
    "AddUnsubscribeRequest",
    "AddUnsubscribeResponse",
    "AddedUnsubscribe",
    "DeleteUnsubscribesRequest",
    "DeleteUnsubscribesResponse",
    "EngagelabError",
    "Unsubscribe",
    "UnsubscribeList",
)
