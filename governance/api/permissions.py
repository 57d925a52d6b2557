"""Who may call what (SPEC section 15). Object visibility is the selectors' job (404);
these classes answer 401/403 for actions a user may see but not take."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from governance.registry.roles import BOARD, REGULATOR, has_role, is_adjudicator, sees_all_dossiers


class RolePermission(BasePermission):
    """A role check that, on detail routes, runs only once the object has been found, so an
    object the caller may not see still answers 404 rather than 403."""

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view) -> bool:
        return bool(getattr(view, "detail", False)) or self.allowed(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return self.allowed(request.user)


class IsRegulator(RolePermission):
    message = "Only a regulator may do this."

    def allowed(self, user) -> bool:
        return is_adjudicator(user)


class IsBoard(RolePermission):
    message = "Only the threshold board may do this."

    def allowed(self, user) -> bool:
        return has_role(user, BOARD)


class ReadsAuditTrail(BasePermission):
    """Oversight roles read the whole trail; developers their own organisation's objects."""

    message = "You may not read the audit trail."

    def has_permission(self, request, view) -> bool:
        return sees_all_dossiers(request.user) or has_role(request.user, "developer")


class VerifiesAuditTrail(BasePermission):
    message = "Only the regulator's staff and auditors verify the audit chain."

    def has_permission(self, request, view) -> bool:
        return sees_all_dossiers(request.user)


class PreviewsThresholds(BasePermission):
    message = "Only regulators, the board and auditors preview threshold sets."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, REGULATOR, BOARD, "auditor")


class OverseesRevalidation(BasePermission):
    message = "Only regulators, the board and auditors follow revalidation runs."

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, REGULATOR, BOARD, "auditor")


class ReadOnlyOrRegulator(BasePermission):
    message = "Only the regulator may change this."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return is_adjudicator(request.user) or request.user.is_superuser
