"""The API's JSON parser: DRF's, with a bound on nesting (SPEC 20).

A body nested a thousand deep made the standard parser raise ``RecursionError``: a 500 on
every JSON endpoint, the unauthenticated token endpoint included. No request of this API
nests deeper than a few levels, so anything beyond ``MAX_DEPTH`` is a clear 400.
"""

from collections.abc import Iterable
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def depth(data: Any) -> int:
    """How deeply ``data`` nests lists and objects (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, level = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from error
        if depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        return data


# What an endpoint accepts, declared in its parser classes and so in the schema (SPEC 16):
# JSON everywhere (the default), multipart where files go. Exactly one each: a body offered
# in two media types makes clients generated from the schema guess, and some guess wrong.
JSON = [JSONParser]
FILES = [parsers.MultiPartParser]
