"""Reading a peer's register (SPEC 23): store the reading whole, then open a
``peer_divergence`` re-review for each model a peer places higher than we do — evidence for
a human, never an automatic change of tier."""

from typing import Any

from governance.cases.services import open_rereviews
from governance.peers import reading, services
from governance.peers.models import Peer, PeerDetermination
from governance.platform.errors import Invalid
from governance.registry.models import AIModel

PEER_DIVERGENCE = "peer_divergence"


def read_peer(*, peer: Peer, actor: Any = None, upload: bytes | None = None) -> list[PeerDetermination]:
    """Read ``peer``'s register (its URL, or ``upload``, a CSV). A failure is recorded on
    the peer, keeps the last good reading, and is raised as :class:`Invalid`."""
    try:
        if upload is not None:
            rows = reading.parse_csv(upload)
        elif peer.register_url:
            rows = reading.fetch(peer.register_url)
        else:
            raise reading.ReadError("The peer has no register URL: upload its register as CSV.")
    except reading.ReadError as error:
        services.record_failure(peer=peer, message=str(error), actor=actor)
        raise Invalid(str(error)) from error
    stored = services.store_reading(peer=peer, rows=rows, actor=actor)
    matched = {d.model_id: d for d in stored if d.model_id is not None}
    models = AIModel.objects.filter(pk__in=list(matched), current_tier__isnull=False).only(
        "name", "version", "developer_id", "current_tier"
    )
    higher = [
        (
            model,
            f"{peer} places it in Tier {matched[model.pk].tier}; ours is Tier {model.current_tier}.",
        )
        for model in models
        if model.current_tier is not None and matched[model.pk].tier > model.current_tier
    ]
    if higher:
        open_rereviews(higher, trigger=PEER_DIVERGENCE, actor=actor)
    return stored


def read_all_peers() -> dict[str, int]:
    """The periodic job: every peer with a URL; a failing peer does not stop the others."""
    counts = {"read": 0, "failed": 0}
    for peer in Peer.objects.exclude(register_url="").order_by("pk"):
        try:
            read_peer(peer=peer)
        except Invalid:
            counts["failed"] += 1
        else:
            counts["read"] += 1
    return counts
