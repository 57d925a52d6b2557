from typing import TYPE_CHECKING

from rest_framework.response import Response

from governance.api.caching import cached_read

if TYPE_CHECKING:
    from rest_framework.mixins import ListModelMixin as _ListView
else:
    _ListView = object


class CachedListMixin(_ListView):
    """A list endpoint read far more often than anything changes: each page is computed
    once per change and kind of reader (:mod:`governance.api.caching`)."""

    cache_scope: str

    def list(self, request, *args, **kwargs):
        def compute():
            return super(CachedListMixin, self).list(request).data

        return Response(cached_read(request, self.cache_scope, request.build_absolute_uri(), compute))
