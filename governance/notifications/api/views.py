from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance.api.pagination import InboxPage
from governance.notifications.models import Notification
from governance.notifications.services import mark_read, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "subject", "body", "link", "object_type", "object_id", "created_at", "read_at", "read"]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's inbox; ``unread_count`` rides beside the page. ``?unread=true`` filters."""

    serializer_class = NotificationSerializer
    pagination_class = InboxPage
    queryset = Notification.objects.none()
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        inbox = Notification.objects.filter(recipient_id=self.request.user.pk)
        if self.request.query_params.get("unread") in ("true", "1"):
            inbox = inbox.filter(read_at__isnull=True)
        return inbox

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread_count"] = unread_count(request.user)
        return response

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return Response(NotificationSerializer(mark_read(notification=self.get_object())).data)
