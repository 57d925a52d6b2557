"""A password change signs the user's API tokens out (issue 17, item 23; SPEC 16).

Django calls ``password_changed()`` on every configured password validator whenever a
user's password is saved: the password-change and reset pages, the admin's password form,
``manage.py changepassword`` and any ``set_password()`` + ``save()``. That is the one hook
all of them share, so the revocation is hung there rather than on each path.
"""

from typing import Any

from governance.registry.services import revoke_api_tokens


class RevokeTokensOnPasswordChange:
    """Not a rule on passwords: it accepts every password and revokes tokens once one is set."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            revoke_api_tokens(user=user, reason="password changed")

    def get_help_text(self) -> str:
        return "Changing your password revokes your API tokens."
