"""Other regulators' registers (SPEC 23): the peers, and the tiers they give to models,
matched to ours by weights digest, else by name and version."""

from django.conf import settings
from django.db import models

from governance.registry.models import AIModel


class Peer(models.Model):
    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    register_url = models.URLField(
        blank=True, max_length=500, help_text="A register in this system's JSON format; empty for CSV uploads."
    )
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction})"


class PeerDetermination(models.Model):
    """One model's tier on a peer's register as last read (a reading replaces the last)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="determinations")
    model = models.ForeignKey(AIModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="peer_tiers")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=60)
    weights_sha256 = models.CharField(max_length=64, blank=True)
    tier = models.PositiveSmallIntegerField()
    in_force_from = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["peer", "name", "version"]
        indexes = [models.Index(fields=["model", "peer"])]

    def __str__(self) -> str:
        return f"{self.peer.name}: {self.name} {self.version} Tier {self.tier}"
