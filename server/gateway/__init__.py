"""The one shared Jira gateway: the only code that speaks HTTP to Jira."""

from server.gateway.clock import Clock, SystemClock
from server.gateway.core import JiraHttp, RequestLog
from server.gateway.gateway import BulkResult, JiraGateway, SearchPage
from server.gateway.guard import tool_call
from server.gateway.limiter import RateLimiter
from server.gateway.retry import Backoff

__all__ = [
    "Backoff",
    "BulkResult",
    "Clock",
    "JiraGateway",
    "JiraHttp",
    "RateLimiter",
    "RequestLog",
    "SearchPage",
    "SystemClock",
    "tool_call",
]
