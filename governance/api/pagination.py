from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=N&page_size=M`` (M ≤ 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PageWith(PageNumberPagination):
    """A page with more top-level fields beside the four, declared in the schema (SPEC 16)."""

    extra_fields: dict[str, dict] = {}

    def get_paginated_response_schema(self, schema: dict) -> dict:
        page = super().get_paginated_response_schema(schema)
        page["properties"].update(self.extra_fields)
        page["required"] = [*page.get("required", []), *self.extra_fields]
        return page


class RegisterPage(PageWith):
    extra_fields = {
        "chain_head": {
            "type": "string",
            "description": "The head of the audit chain when the page was read: a page read again with the "
            "same head has not changed.",
        }
    }


class InboxPage(PageWith):
    extra_fields = {
        "unread_count": {
            "type": "integer",
            "minimum": 0,
            "description": "The caller's unread notifications, all pages.",
        }
    }
