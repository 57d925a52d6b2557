"""A case's docket as an Atom feed (django.contrib.syndication), so a party can follow it.
Only the parties and staff may read it: the case is looked up through the visibility
selector, so anyone else (another organisation, an anonymous reader) gets a 404."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from governance.cases.docket import Docket, DocketEntry, appeal_docket, contest_docket, rereview_docket
from governance.cases.selectors import visible_appeals, visible_contests, visible_rereviews


class _DocketFeed(Feed):
    feed_type = Atom1Feed
    kind = ""
    prefix = ""  # the case page's path, before its id
    visible: Callable[[Any], QuerySet] = staticmethod(visible_contests)
    build: Callable[..., Docket] = staticmethod(contest_docket)

    def get_object(self, request: HttpRequest, pk: int) -> tuple[Any, Docket]:
        case = get_object_or_404(self.visible(request.user), pk=pk)
        return case, self.build(case, user=request.user)

    def title(self, obj: tuple[Any, Docket]) -> str:
        return f"{self.kind} {obj[0].reference}: docket"

    def link(self, obj: tuple[Any, Docket]) -> str:
        return f"{self.prefix}{obj[0].pk}/"

    def subtitle(self, obj: tuple[Any, Docket]) -> str:
        return f"Every entry on the docket of {obj[0].reference}, newest first."

    def items(self, obj: tuple[Any, Docket]) -> list[tuple[str, DocketEntry]]:
        return [(self.link(obj), entry) for entry in reversed(obj[1].entries)]

    def item_title(self, item: tuple[str, DocketEntry]) -> str:
        return f"{item[1].number}. {item[1].title}"

    def item_description(self, item: tuple[str, DocketEntry]) -> str:
        return "\n".join(item[1].details)

    def item_link(self, item: tuple[str, DocketEntry]) -> str:
        return f"{item[0]}#entry-{item[1].number}"

    def item_author_name(self, item: tuple[str, DocketEntry]) -> str:
        return item[1].author

    def item_pubdate(self, item: tuple[str, DocketEntry]) -> datetime:
        return item[1].at


class ContestDocketFeed(_DocketFeed):
    kind, prefix = "Contest", "/contests/"


class AppealDocketFeed(_DocketFeed):
    kind, prefix = "Appeal", "/appeals/"
    visible = staticmethod(visible_appeals)
    build = staticmethod(appeal_docket)


class ReReviewDocketFeed(_DocketFeed):
    kind, prefix = "Re-review", "/re-reviews/"
    visible = staticmethod(visible_rereviews)
    build = staticmethod(rereview_docket)
