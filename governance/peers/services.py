"""Writers for peers and their readings (SPEC 23). A reading replaces the peer's last in
one transaction, so a peer's determinations are always one whole reading."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from governance.audit.services import created, record
from governance.peers.models import Peer, PeerDetermination
from governance.peers.reading import PeerRow
from governance.platform.countries import is_country
from governance.platform.errors import Invalid, NotAllowed, full_clean_or_invalid
from governance.registry.models import AIModel
from governance.registry.roles import is_adjudicator


def create_peer(*, by: Any, name: str, jurisdiction: str, register_url: str = "") -> Peer:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator registers peers.")
    jurisdiction = (jurisdiction or "").strip().upper()
    if not is_country(jurisdiction):
        raise Invalid(fields={"jurisdiction": ["An ISO 3166-1 alpha-2 country code, e.g. JP."]})
    with transaction.atomic():
        peer = Peer(name=(name or "").strip(), jurisdiction=jurisdiction, register_url=register_url, created_by=by)
        full_clean_or_invalid(peer)
        peer.save()
        record(
            actor=by, action="peer.created", obj=peer, changes=created(peer, ("name", "jurisdiction", "register_url"))
        )
    return peer


def _match(rows: Sequence[PeerRow]) -> dict[int, int | None]:
    """Our model for each row (by index): by weights digest, else by name and version."""
    digests = {row.weights_sha256 for row in rows if row.weights_sha256}
    names = {(row.name, row.version) for row in rows}
    by_digest: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    condition = Q(weights_sha256__in=digests) | Q(name__in={n for n, _ in names}, version__in={v for _, v in names})
    for pk, digest, name, version in (
        AIModel.objects.filter(condition).order_by("pk").values_list("pk", "weights_sha256", "name", "version")
    ):
        if digest:
            by_digest.setdefault(digest, pk)
        by_name.setdefault((name, version), pk)
    return {
        index: by_digest.get(row.weights_sha256)
        if row.weights_sha256 in by_digest
        else by_name.get((row.name, row.version))
        for index, row in enumerate(rows)
    }


def store_reading(*, peer: Peer, rows: Sequence[PeerRow], actor: Any = None) -> list[PeerDetermination]:
    """Replace the peer's determinations with ``rows``, matched to our models."""
    now = timezone.now()
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=peer.pk)
        matches = _match(rows)
        peer.determinations.all().delete()
        stored = PeerDetermination.objects.bulk_create(
            [
                PeerDetermination(
                    peer=peer,
                    model_id=matches[index],
                    name=row.name,
                    version=row.version,
                    weights_sha256=row.weights_sha256,
                    tier=row.tier,
                    in_force_from=row.in_force_from,
                    read_at=now,
                )
                for index, row in enumerate(rows)
            ],
            batch_size=2000,
        )
        previous_error = peer.last_error
        peer.last_read_at, peer.last_error, peer.last_error_at = now, "", None
        peer.save(update_fields=["last_read_at", "last_error", "last_error_at"])
        matched = sum(1 for pk in matches.values() if pk is not None)
        record(
            actor=actor,
            action="peer.read",
            obj=peer,
            changes={"entries": [None, len(stored)], "matched": [None, matched], "last_error": [previous_error, ""]},
        )
    return stored


def record_failure(*, peer: Peer, message: str, actor: Any = None) -> Peer:
    """Keep the last good reading and say on the peer's page why this one failed."""
    with transaction.atomic():
        peer = Peer.objects.select_for_update().get(pk=peer.pk)
        peer.last_error, peer.last_error_at = message[:2000], timezone.now()
        peer.save(update_fields=["last_error", "last_error_at"])
        record(actor=actor, action="peer.read_failed", obj=peer, changes={"last_error": [None, peer.last_error]})
    return peer
