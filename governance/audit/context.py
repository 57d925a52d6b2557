"""The request id of the change being made, carried to the audit trail."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
