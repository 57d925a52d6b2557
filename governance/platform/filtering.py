"""The FilterSet every list filters with (API lists, web lists and exports).

django-filter's default for a foreign key is a choice among *all* rows, so an id that does
not exist answered 400 while another organisation's hidden id answered 200 with an empty
list: ids of unreleased models could be told apart from missing ones. Here a foreign key
filters by its id alone, checked only as a number; an id the reader may not see and an id
that exists nowhere both give an empty list (SPEC 15, 20).
"""

import django_filters
import rest_framework.filters
from django import forms
from django.db import models

MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger number is no id, and a clear 400


class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if isinstance(field, models.ForeignKey) and lookup_type == "exact":
            return IdFilter, {}
        return super().filter_for_lookup(field, lookup_type)


class FilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """DRF's filter backend, building the views' ``filterset_fields`` on :class:`FilterSet`."""

    filterset_base = FilterSet


class OrderingBackend(rest_framework.filters.OrderingFilter):
    """DRF's ``?ordering=``, standing aside when the view's FilterSet sorts by it itself.

    A FilterSet with an ``ordering`` filter (the work lists' sortable columns) names its own
    sort keys; DRF's ordering dropped those names as unknown and re-sorted by the default.
    """

    def filter_queryset(self, request, queryset, view):
        own_filters = getattr(getattr(view, "filterset_class", None), "base_filters", {})
        if self.ordering_param in request.query_params and self.ordering_param in own_filters:
            return queryset
        return super().filter_queryset(request, queryset, view)
