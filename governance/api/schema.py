"""OpenAPI postprocessing: the error responses every operation can give (SPEC section 16),
so clients and the schema fuzzer know them."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR = {
    "type": "object",
    "description": "`detail` says what went wrong; a 400 for bad input names each field instead: "
    "`{field: [messages]}`.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input (a field, a filter or a query parameter); nothing was changed.",
    "401": "Not authenticated.",
    "403": "Authenticated, but this role may not do this.",
    "404": "No such object, or not one the caller may see (or a page past the last).",
    "409": "Illegal transition, or the record changed meanwhile; nothing was changed.",
    "413": "The upload or request body is too large.",
    "415": "The request body is not in a media type this operation accepts.",
    "429": "Too many requests; retry after the time in `Retry-After`.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            codes = ["400", "401", "403", "404", "429"]
            if method in WRITE_METHODS:
                codes += ["409", "413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                # An operation that describes one of these codes itself keeps its words.
                response = responses.setdefault(code, {"description": DESCRIPTIONS[code]})
                response.setdefault("content", {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}})
    return result


def public_needs_no_credentials(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """An operation open to anyone (the token endpoint, the public register) says it needs no
    credentials (``security: []``), rather than "anonymous allowed" (``[{}]``), which
    generated clients read as "needs an authenticated client"."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if operation.get("security") == [{}]:
                operation["security"] = []
    return result


class ScopedTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token KEY`` (SPEC 16), documented for the schema and its clients."""

    target_class = "governance.api.authentication.ScopedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token KEY`, from `POST /api/v1/auth/token/` (optionally scoped, e.g. `access:check`).",
        }
