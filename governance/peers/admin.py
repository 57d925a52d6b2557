from django.contrib import admin

from governance.peers.models import Peer, PeerDetermination
from governance.platform.admin_base import ImmutableAdmin


@admin.register(Peer)
class PeerAdmin(ImmutableAdmin):
    """Peers are registered and read through the API or /peers/ (each reading audited)."""

    list_display = ["name", "jurisdiction", "register_url", "last_read_at", "last_error"]


@admin.register(PeerDetermination)
class PeerDeterminationAdmin(ImmutableAdmin):
    list_display = ["peer", "name", "version", "tier", "model", "read_at"]
    list_filter = ["peer", "tier"]
