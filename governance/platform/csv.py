"""CSV cells a spreadsheet will not run: a cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return) is a formula to Excel and LibreOffice, so it is prefixed
with an apostrophe (OWASP's advice on CSV injection). Numbers are left as they are."""

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
