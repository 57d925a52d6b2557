"""Serializer fields shared across the API."""

from decimal import Decimal

from rest_framework import serializers


class UnitDecimalField(serializers.DecimalField):
    """A score or threshold: a decimal string in [0, 1] with at most 4 places."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("1"))
        super().__init__(**kwargs)


class RawScoreField(serializers.DecimalField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)


def evidence_files() -> serializers.ListField:
    """The ``files`` of a multipart filing (SPEC 16: multipart only where files go)."""
    return serializers.ListField(child=serializers.FileField(), required=False)
