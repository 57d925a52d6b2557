"""Forms for the web interface. They parse and label input; the services decide."""

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy

from governance.cases.models import NOTE_MAX_LENGTH
from governance.registry.models import AIModel, Benchmark, Organization, RiskDomain
from governance.registry.people import person
from governance.registry.roles import BOARD, REGULATOR
from governance.web.pickers import ModelPickerField

TIER_CHOICES = [
    (1, "Tier 1 — Unrestricted"),
    (2, "Tier 2 — Access-restricted"),
    (3, "Tier 3 — Restricted"),
    (4, "Tier 4 — Closed"),
]


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """``form``'s model choice field ``name``, whose queryset the form narrows for its reader
    (a form's ``fields`` are typed as plain fields)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def regulators():
    return (
        get_user_model()
        .objects.filter(groups__name__in=[REGULATOR, BOARD], is_active=True)
        .distinct()
        .order_by("username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of people by their full name (their username only when they gave none)."""

    def label_from_instance(self, obj) -> str:
        return person(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class ModelRegistrationForm(forms.Form):
    name = forms.CharField(max_length=200)
    version = forms.CharField(max_length=60)
    developer = forms.ModelChoiceField(queryset=Organization.objects.filter(kind="developer"))
    parameter_count = forms.IntegerField(required=False, min_value=1, help_text="Number of parameters.")
    weights_sha256 = forms.RegexField(
        regex=r"^[0-9a-fA-F]{64}$", required=False, label="Weights SHA-256", help_text="64 hexadecimal characters."
    )
    parent = forms.ModelChoiceField(queryset=AIModel.objects.none(), required=False, help_text="For a derivative.")
    derivation = forms.ChoiceField(choices=[("", "—"), *AIModel.Derivation.choices], required=False)
    released = forms.BooleanField(required=False, help_text="Publicly released: listed on the public register.")

    def __init__(self, *args, developers=None, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if developers is not None:
            _choice(self, "developer").queryset = developers
        if parents is not None:
            _choice(self, "parent").queryset = parents


class TierRationaleForm(forms.Form):
    tier = forms.TypedChoiceField(choices=TIER_CHOICES, coerce=int)
    rationale = forms.CharField(widget=forms.Textarea, max_length=10000)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, max_length=10000, required=False)


class ContestForm(forms.Form):
    requested_tier = forms.TypedChoiceField(choices=TIER_CHOICES, coerce=int)
    grounds = forms.CharField(widget=forms.Textarea, max_length=20000)
    files = forms.FileField(  # type: ignore[assignment]  # a declared field, not BaseForm.files
        required=False, help_text="PDF, text, CSV, JSON, PNG, JPEG or ZIP."
    )


class AssignForm(forms.Form):
    adjudicator = PersonChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "adjudicator").queryset = regulators()


class AssignReReviewForm(forms.Form):
    assignee = PersonChoiceField(queryset=get_user_model().objects.none(), label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "assignee").queryset = regulators()


class MessageForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea, max_length=20000)
    files = forms.FileField(required=False)  # type: ignore[assignment]  # a declared field, not BaseForm.files


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("upheld", "Uphold the determination"), ("varied", "Vary the tier")])
    tier = forms.TypedChoiceField(choices=[("", "—"), *TIER_CHOICES], coerce=int, required=False, empty_value=None)
    reasons = forms.CharField(widget=forms.Textarea, max_length=20000)


class ReasonsForm(forms.Form):
    reasons = forms.CharField(widget=forms.Textarea, max_length=20000)


class NoteForm(forms.Form):
    text = forms.CharField(label="Internal note", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH)


class AppealForm(forms.Form):
    grounds = forms.CharField(widget=forms.Textarea, max_length=20000)
    files = forms.FileField(required=False)  # type: ignore[assignment]  # a declared field, not BaseForm.files


class PanelForm(forms.Form):
    members = PeopleChoiceField(queryset=get_user_model().objects.none(), help_text="Choose three.")
    chair = PersonChoiceField(queryset=get_user_model().objects.none())

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = candidates if candidates is not None else regulators()
        _choice(self, "members").queryset = queryset
        _choice(self, "chair").queryset = queryset


class HearingForm(forms.Form):
    hearing_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Hearing at")


class VoteForm(forms.Form):
    vote = forms.ChoiceField(choices=[("affirm", "Affirm the decision"), ("reverse", "Reverse it")])
    tier = forms.TypedChoiceField(choices=[("", "—"), *TIER_CHOICES], coerce=int, required=False, empty_value=None)
    reasons = forms.CharField(widget=forms.Textarea, max_length=20000)


class CompleteReReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("no_change", "No change"), ("determination", "New determination")])
    tier = forms.TypedChoiceField(choices=[("", "—"), *TIER_CHOICES], coerce=int, required=False, empty_value=None)
    rationale = forms.CharField(widget=forms.Textarea, max_length=20000)


class PicksAModel(forms.Form):
    """A form whose ``model`` is picked by search among ``models`` (those the user may choose)."""

    # A lazy str, resolved when the widget renders (the URLconf is not loaded at import).
    model = ModelPickerField(search_url=cast(str, reverse_lazy("evaluation-model-options")))

    def __init__(self, *args, models, named, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ModelPickerField, self.fields["model"]).offer(
            models, named=named, chosen=self.data.get(self.add_prefix("model"))
        )


class EvaluationForm(PicksAModel):
    benchmark = forms.ModelChoiceField(queryset=Benchmark.objects.select_related("domain"))
    raw_score = forms.DecimalField(max_digits=14, decimal_places=4)
    run_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(PicksAModel):
    file = forms.FileField(help_text="Inspect AI log (.json or .eval) or lm-evaluation-harness results JSON.")


class ThresholdSetForm(forms.Form):
    version = forms.CharField(max_length=40)
    issuing_body = forms.CharField(max_length=200, required=False)
    rationale = forms.CharField(widget=forms.Textarea, required=False)


class PublishForm(forms.Form):
    effective_from = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty to put the set in force now.",
    )


class ConsultationForm(forms.Form):
    closes_at = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for the default period.",
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class ResponseForm(forms.Form):
    text = forms.CharField(label="The board's response", widget=forms.Textarea(attrs={"rows": 5}), max_length=50000)


class BoardVoteForm(forms.Form):
    vote = forms.ChoiceField(choices=[("adopt", "Adopt"), ("reject", "Reject")], widget=forms.RadioSelect)
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class BenchmarkChangeForm(forms.Form):
    standardized = forms.BooleanField(required=False, label="On the approved list (standardized)")
    scale_min = forms.DecimalField(max_digits=14, decimal_places=4)
    scale_max = forms.DecimalField(max_digits=14, decimal_places=4)
    higher_is_more_capable = forms.BooleanField(required=False, label="Higher scores are more capable")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=10000)


class AccreditationForm(forms.Form):
    organization: "forms.ModelChoiceField[Organization]" = forms.ModelChoiceField(queryset=None, label="Evaluator")
    domains: "forms.ModelMultipleChoiceField[RiskDomain]" = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Scope"
    )
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "organization").queryset = Organization.objects.filter(kind=Organization.Kind.EVALUATOR)
        _choice(self, "domains").queryset = RiskDomain.objects.all()

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if cleaned.get("valid_from") and cleaned.get("valid_until") and cleaned["valid_until"] < cleaned["valid_from"]:
            self.add_error("valid_until", "valid_until cannot be before valid_from.")
        return cleaned


class AccreditationChangeForm(forms.Form):
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=10000)
    void_results = forms.BooleanField(required=False, label="Its results are void")


class SubmissionForm(forms.Form):
    period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(widget=forms.Textarea, required=False)
    files = forms.FileField(required=False)  # type: ignore[assignment]  # a declared field, not BaseForm.files


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("accepted", "Accepted"), ("deficient", "Deficient"), ("rejected", "Rejected")]
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)


def research_organizations():
    return Organization.objects.filter(kind=Organization.Kind.RESEARCH).order_by("name")


class ProfileForm(forms.Form):
    legal_name = forms.CharField(max_length=200, label="Legal name")
    country = forms.CharField(max_length=60, help_text="Two-letter ISO 3166-1 code, e.g. DE.")
    affiliation = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        help_text="Your research organisation, if any (Tier 3 access needs a verified one).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "affiliation").queryset = research_organizations()


class SignupForm(ProfileForm):
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    password = forms.CharField(widget=forms.PasswordInput, strip=False, max_length=4096)
    field_order = ["username", "email", "password", "legal_name", "country", "affiliation"]


class AccessRequestForm(forms.Form):
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000, help_text="Tier 3: your research."
    )
    accept = forms.BooleanField(label="I accept the attestation above")
    attestation_version = forms.CharField(widget=forms.HiddenInput, max_length=20)


class PeerForm(forms.Form):
    name = forms.CharField(max_length=200)
    jurisdiction = forms.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. JP.")
    register_url = forms.URLField(required=False, max_length=500, label="Register URL", assume_scheme="https")


class PeerUploadForm(forms.Form):
    file = forms.FileField(label="Register CSV")
