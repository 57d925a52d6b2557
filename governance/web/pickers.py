"""A model picker with search instead of a typed id (issue 15).

The form field validates against every model the user may choose, but the page carries only a
few options (the first models by name, and the one already chosen, so input survives an
error); typing in the search box asks ``model_options`` (htmx, no inline script) for the
models matching it, which replace the options."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join

from governance.registry.models import AIModel
from governance.registry.selectors import search_models

OFFERED = 20  # options on the page before a search, and per search


def model_label(model: AIModel) -> str:
    """How a model is offered: "Name version (developer)"."""
    return f"{model.name} {model.version} ({model.developer.name})"


class ModelPicker(forms.Select):
    template_name = "widgets/model_picker.html"  # in governance/web/templates/, where the form renderer looks

    def __init__(self, *args: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search_url = search_url

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context


class ModelPickerField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": "No such model, or not one you may choose."}

    def __init__(self, *, search_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "Choose a model…")
        super().__init__(queryset=AIModel.objects.none(), widget=ModelPicker(search_url=search_url), **kwargs)

    def label_from_instance(self, obj: AIModel) -> str:
        return model_label(obj)

    def offer(self, models: QuerySet[AIModel], *, named: QuerySet[AIModel], chosen: Any = None) -> None:
        """Accept any of ``models``; show the first few of those the user may see ``named``,
        and ``chosen`` when it is one of ``models``."""
        self.queryset = models
        self.widget.choices = [("", self.empty_label), *_options(models, named, "", chosen=chosen)]


def _by_id(models: QuerySet[AIModel], named: QuerySet[AIModel], pk: str) -> tuple[int, str] | None:
    """A model the user may choose by its id: named if they may see its name, else by number
    (an evaluator given the id of a model not yet released)."""
    if not pk.isdigit() or len(pk) > 18:
        return None
    model = named.select_related("developer").filter(pk=pk).first()
    if model is not None:
        return model.pk, model_label(model)
    return (int(pk), f"Model #{pk}") if models.filter(pk=pk).exists() else None


def _options(
    models: QuerySet[AIModel], named: QuerySet[AIModel], query: str, *, chosen: Any = None
) -> list[tuple[int, str]]:
    found = [(m.pk, model_label(m)) for m in search_models(named, query)[:OFFERED]]
    wanted = _by_id(models, named, str(chosen or "") or query.strip())
    if wanted is not None and wanted not in found:
        found.insert(0, wanted)
    return found


def options_html(models: QuerySet[AIModel], named: QuerySet[AIModel], query: str) -> str:
    """The ``<option>``s for a search (the first one chosen), or a line saying none matches;
    a query that is the id of a model the user may choose finds it too."""
    found = _options(models, named, query)
    if not found:
        return format_html('<option value="" disabled selected>No model matches “{}”</option>', query)
    options = format_html_join("", '<option value="{}">{}</option>', found)
    return options if query.strip() else format_html('<option value="">Choose a model…</option>{}', options)
