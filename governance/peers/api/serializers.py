from rest_framework import serializers

from governance.peers.models import Peer, PeerDetermination


class PeerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Peer
        fields = ["id", "name", "jurisdiction", "register_url", "last_read_at", "last_error", "last_error_at"]
        read_only_fields = ["last_read_at", "last_error", "last_error_at"]


class PeerDeterminationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeerDetermination
        fields = ["id", "peer", "model", "name", "version", "weights_sha256", "tier", "in_force_from", "read_at"]
        read_only_fields = fields


class PeerUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The peer's register as CSV, in the layout of /api/v1/register.csv.")


class DivergenceSerializer(serializers.Serializer):
    model = serializers.IntegerField(source="model_id")
    model_name = serializers.CharField(source="model")
    our_tier = serializers.IntegerField()
    peer = serializers.IntegerField(source="peer_id")
    peer_name = serializers.CharField(source="peer")
    jurisdiction = serializers.CharField()
    peer_tier = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=["higher", "lower"])
    jurisdiction_shift = serializers.BooleanField()
