"""Domain errors in the web interface, mapped once: not visible → 404, not allowed → 403,
bad input or an illegal transition → the form's page again with a clear message."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from governance.platform.errors import DomainError, NotAllowed, NotVisible


def describe(error: DomainError) -> str:
    if error.fields:
        return " ".join(
            f"{field.replace('_', ' ').capitalize()}: {' '.join(msgs)}" for field, msgs in error.fields.items()
        )
    return error.message


def back(request: HttpRequest, fallback: str = "/") -> HttpResponse:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


def form_errors(form) -> str:
    return " ".join(
        f"{form[name].label if name in form.fields else name}: {' '.join(errs)}"
        if name != "__all__"
        else " ".join(errs)
        for name, errs in form.errors.items()
    )


def handles_domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotVisible as error:
            raise Http404(error.message) from error
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            messages.error(request, describe(error))
            return back(request)

    return wrapper
