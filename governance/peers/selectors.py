"""Divergences between our tiers and peers' (SPEC 23), for the API, the page and the register."""

from typing import Any, NamedTuple

from governance.peers.models import PeerDetermination
from governance.registry.selectors import visible_models


class Divergence(NamedTuple):
    model_id: int
    model: str
    our_tier: int
    peer_id: int
    peer: str
    jurisdiction: str
    peer_tier: int
    direction: str
    jurisdiction_shift: bool


def divergences(user: Any, *, model_id: int | None = None, peer_id: int | None = None) -> list[Divergence]:
    """Models the reader may see whose peer tier differs from ours. A model released from a
    jurisdiction whose peer gives it a lower tier than ours is a possible jurisdiction shift."""
    rows = (
        PeerDetermination.objects.filter(model__in=visible_models(user), model__current_tier__isnull=False)
        .select_related("peer", "model")
        .order_by("model__name", "model__version", "peer__name")
    )
    if model_id is not None:
        rows = rows.filter(model_id=model_id)
    if peer_id is not None:
        rows = rows.filter(peer_id=peer_id)
    found = []
    for row in rows:
        model = row.model
        assert model is not None and model.current_tier is not None
        if row.tier == model.current_tier:
            continue
        lower = row.tier < model.current_tier
        found.append(
            Divergence(
                model.pk,
                str(model),
                model.current_tier,
                row.peer_id,
                row.peer.name,
                row.peer.jurisdiction,
                row.tier,
                "lower" if lower else "higher",
                lower and row.peer.jurisdiction in (model.release_jurisdictions or []),
            )
        )
    return found
