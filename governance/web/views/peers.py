"""Peer registers and divergences (SPEC 23): the regulator's staff read them; regulators
register peers and read their registers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from governance.peers import services
from governance.peers.models import Peer
from governance.peers.selectors import divergences
from governance.platform.errors import DomainError
from governance.registry.roles import is_adjudicator, sees_all_dossiers
from governance.web.errors import describe
from governance.web.forms import PeerForm, PeerUploadForm
from governance.workflows.peers import read_peer


def _staff(request: HttpRequest) -> None:
    if not sees_all_dossiers(request.user):
        raise PermissionDenied("Peer registers are for the regulator's staff.")


@login_required
def peer_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            peer = services.create_peer(by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, describe(error))
        else:
            messages.success(request, f"{peer} registered.")
            return redirect("peers")
    peers = Peer.objects.annotate(entries=Count("determinations"), matched=Count("determinations__model"))
    context = {
        "peers": peers,
        "form": form,
        "upload_form": PeerUploadForm(),
        "can_manage": is_adjudicator(request.user),
    }
    return render(request, "web/peers.html", context)


@login_required
@require_POST
def peer_read(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    if not is_adjudicator(request.user):
        raise PermissionDenied("Only a regulator reads a peer's register.")
    peer = get_object_or_404(Peer, pk=pk)
    upload = request.FILES.get("file")
    try:
        stored = read_peer(peer=peer, actor=request.user, upload=upload.read() if upload else None)
    except DomainError as error:
        messages.error(request, f"{peer}: {describe(error)}")
    else:
        messages.success(request, f"{peer}: {len(stored)} entries read.")
    return redirect("peers")


@login_required
def divergence_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    found = divergences(request.user)
    return render(
        request,
        "web/divergences.html",
        {"divergences": found, "shifts": sum(1 for d in found if d.jurisdiction_shift)},
    )
