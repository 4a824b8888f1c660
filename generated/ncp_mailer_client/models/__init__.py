"""Contains all the data models used in inputs/outputs"""

from .blocked_receivers_request import BlockedReceiversRequest
from .history_action_type import HistoryActionType
from .ncp_error_detail import NcpErrorDetail
from .ncp_error_response import NcpErrorResponse
from .nes_date_time import NesDateTime
from .requester_type import RequesterType
from .send_block_history import SendBlockHistory
from .send_block_page import SendBlockPage
from .sort import Sort
from .spring_page import SpringPage
from .unsubscriber import Unsubscriber
from .unsubscriber_page import UnsubscriberPage
from .unsubscribers_result import UnsubscribersResult

__all__ = (
    "BlockedReceiversRequest",
    "HistoryActionType",
    "NcpErrorDetail",
    "NcpErrorResponse",
    "NesDateTime",
    "RequesterType",
    "SendBlockHistory",
    "SendBlockPage",
    "Sort",
    "SpringPage",
    "Unsubscriber",
    "UnsubscriberPage",
    "UnsubscribersResult",
)
