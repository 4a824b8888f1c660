"""Contains all the data models used in inputs/outputs"""

from .add_blocks_request import AddBlocksRequest
from .add_blocks_response import AddBlocksResponse
from .add_no_interceptions_request import AddNoInterceptionsRequest
from .add_no_interceptions_response import AddNoInterceptionsResponse
from .add_unsubscribe_request import AddUnsubscribeRequest
from .add_unsubscribe_response import AddUnsubscribeResponse
from .added_unsubscribe import AddedUnsubscribe
from .block import Block
from .block_list import BlockList
from .bounce import Bounce
from .bounce_list import BounceList
from .complaint import Complaint
from .complaint_list import ComplaintList
from .delete_blocks_request import DeleteBlocksRequest
from .delete_complaints_request import DeleteComplaintsRequest
from .delete_no_interceptions_request import DeleteNoInterceptionsRequest
from .delete_unsubscribes_request import DeleteUnsubscribesRequest
from .delete_unsubscribes_response import DeleteUnsubscribesResponse
from .deleted_count import DeletedCount
from .engagelab_error import EngagelabError
from .no_interception import NoInterception
from .no_interception_list import NoInterceptionList
from .unsubscribe import Unsubscribe
from .unsubscribe_list import UnsubscribeList

__all__ = (
    "AddBlocksRequest",
    "AddBlocksResponse",
    "AddNoInterceptionsRequest",
    "AddNoInterceptionsResponse",
    "AddUnsubscribeRequest",
    "AddUnsubscribeResponse",
    "AddedUnsubscribe",
    "Block",
    "BlockList",
    "Bounce",
    "BounceList",
    "Complaint",
    "ComplaintList",
    "DeleteBlocksRequest",
    "DeleteComplaintsRequest",
    "DeleteNoInterceptionsRequest",
    "DeleteUnsubscribesRequest",
    "DeleteUnsubscribesResponse",
    "DeletedCount",
    "EngagelabError",
    "NoInterception",
    "NoInterceptionList",
    "Unsubscribe",
    "UnsubscribeList",
)
