"""The work lists' tables (django-tables2): the columns a list shows, and its CSV export holds."""

import django_tables2 as tables

from governance.access.models import AccessRequest
from governance.cases.models import Appeal, Contest, ReReview
from governance.compliance.models import ComplianceSubmission, EnforcementCase, Obligation
from governance.determinations.models import Determination
from governance.evidence.models import EvaluationResult
from governance.registry.models import AIModel
from governance.registry.people import person


class WorkTable(tables.Table):
    class Meta:
        order_by_field = "ordering"
        attrs = {"class": "work-list"}
        empty_text = "Nothing matches these filters."


class ObligationTable(WorkTable):
    id = tables.LinkColumn("obligation-detail", args=[tables.A("pk")], verbose_name="#")
    model = tables.Column(accessor="model__name", order_by=("model__name",), verbose_name="Model")
    kind = tables.Column(verbose_name="Obligation")
    tier = tables.Column(verbose_name="Tier")
    next_due = tables.DateColumn(verbose_name="Due", format="Y-m-d")
    status = tables.Column(verbose_name="State")

    class Meta(WorkTable.Meta):
        model = Obligation
        fields = ["id", "model", "kind", "tier", "next_due", "status"]


class SubmissionTable(WorkTable):
    id = tables.Column(verbose_name="#")
    model = tables.Column(
        accessor="obligation__model__name", order_by=("obligation__model__name",), verbose_name="Model"
    )
    obligation = tables.LinkColumn(
        "obligation-detail", args=[tables.A("obligation_id")], accessor="obligation__kind", verbose_name="Obligation"
    )
    period_end = tables.DateColumn(verbose_name="Period end", format="Y-m-d")
    submitted_at = tables.DateTimeColumn(verbose_name="Submitted", format="Y-m-d H:i")
    state = tables.Column(verbose_name="State")

    class Meta(WorkTable.Meta):
        model = ComplianceSubmission
        fields = ["id", "model", "obligation", "period_end", "submitted_at", "state"]


class EnforcementTable(WorkTable):
    reference = tables.LinkColumn("enforcement-detail", args=[tables.A("pk")], verbose_name="Reference")
    model = tables.LinkColumn(
        "model-detail",
        args=[tables.A("model_id")],
        accessor="model__name",
        order_by=("model__name",),
        verbose_name="Model",
    )
    kind = tables.Column(verbose_name="Kind")
    state = tables.Column(verbose_name="State")
    opened_at = tables.DateTimeColumn(verbose_name="Opened", format="Y-m-d H:i")

    class Meta(WorkTable.Meta):
        model = EnforcementCase
        fields = ["reference", "model", "kind", "state", "opened_at"]


class PersonColumn(tables.Column):
    """A person by their full name (their username only when they gave none)."""

    def render(self, value) -> str:
        return person(value)

    def value(self, value) -> str:
        return self.render(value)


def _model_link(accessor: str = "model") -> tables.LinkColumn:
    return tables.LinkColumn(
        "model-detail",
        args=[tables.A(f"{accessor}_id")],
        accessor=f"{accessor}__name",
        order_by=(f"{accessor}__name",),
        verbose_name="Model",
    )


class ModelTable(WorkTable):
    name = tables.LinkColumn("model-detail", args=[tables.A("pk")], verbose_name="Model")
    version = tables.Column(verbose_name="Version")
    developer = tables.Column(accessor="developer__name", order_by=("developer__name",), verbose_name="Developer")
    current_tier = tables.Column(verbose_name="Tier")
    released = tables.BooleanColumn(verbose_name="Released")
    next_review_due = tables.DateColumn(verbose_name="Review due", format="Y-m-d")

    class Meta(WorkTable.Meta):
        model = AIModel
        fields = ["name", "version", "developer", "current_tier", "released", "next_review_due"]


class TickColumn(tables.CheckBoxColumn):
    """A tick per row for a bulk action; its header is a word (a "tick all" box would need script)."""

    @property
    def header(self) -> str:
        return "Select"


class EvaluationTable(WorkTable):
    select = TickColumn(accessor="pk", exclude_from_export=True)
    id = tables.Column(verbose_name="#")
    model = _model_link()
    benchmark = tables.Column(accessor="benchmark__name", order_by=("benchmark__name",), verbose_name="Benchmark")
    normalized_score = tables.Column(verbose_name="Score")
    submitted_by_org = tables.Column(
        accessor="submitted_by_org__name", order_by=("submitted_by_org__name",), verbose_name="Submitted by"
    )
    provenance = tables.Column(verbose_name="Provenance")
    run_date = tables.DateColumn(verbose_name="Run", format="Y-m-d")
    status = tables.Column(verbose_name="State")

    class Meta(WorkTable.Meta):
        model = EvaluationResult
        fields = [
            "id",
            "model",
            "benchmark",
            "normalized_score",
            "submitted_by_org",
            "provenance",
            "run_date",
            "status",
        ]


class DeterminationTable(WorkTable):
    id = tables.Column(verbose_name="#")
    model = _model_link()
    tier = tables.Column(verbose_name="Tier")
    previous_tier = tables.Column(verbose_name="Previous tier")
    kind = tables.Column(verbose_name="Kind")
    status = tables.Column(verbose_name="State")
    created_at = tables.DateTimeColumn(verbose_name="Made", format="Y-m-d H:i")

    class Meta(WorkTable.Meta):
        model = Determination
        fields = ["id", "model", "tier", "previous_tier", "kind", "status", "created_at"]


class ContestTable(WorkTable):
    reference = tables.LinkColumn("contest-detail", args=[tables.A("pk")], verbose_name="Reference")
    model = _model_link()
    applicant = tables.Column(accessor="applicant__name", order_by=("applicant__name",), verbose_name="Applicant")
    adjudicator = PersonColumn(verbose_name="Adjudicator")
    state = tables.Column(verbose_name="State")
    filed_at = tables.DateTimeColumn(verbose_name="Filed", format="Y-m-d")
    due_date = tables.DateColumn(verbose_name="Due", format="Y-m-d")
    overdue = tables.BooleanColumn(verbose_name="Overdue")

    class Meta(WorkTable.Meta):
        model = Contest
        fields = ["reference", "model", "applicant", "adjudicator", "state", "filed_at", "due_date", "overdue"]


class AppealTable(WorkTable):
    reference = tables.LinkColumn("appeal-detail", args=[tables.A("pk")], verbose_name="Reference")
    model = _model_link("contest__model")
    chair = PersonColumn(verbose_name="Chair")
    state = tables.Column(verbose_name="State")
    filed_at = tables.DateTimeColumn(verbose_name="Filed", format="Y-m-d")
    due_date = tables.DateColumn(verbose_name="Due", format="Y-m-d")
    overdue = tables.BooleanColumn(verbose_name="Overdue")

    class Meta(WorkTable.Meta):
        model = Appeal
        fields = ["reference", "model", "chair", "state", "filed_at", "due_date", "overdue"]


class ReReviewTable(WorkTable):
    select = TickColumn(accessor="pk", exclude_from_export=True)
    reference = tables.LinkColumn("rereview-detail", args=[tables.A("pk")], verbose_name="Reference")
    model = _model_link()
    trigger = tables.Column(verbose_name="Trigger")
    assignee = PersonColumn(verbose_name="Assignee")
    state = tables.Column(verbose_name="State")
    due_date = tables.DateColumn(verbose_name="Due", format="Y-m-d")

    class Meta(WorkTable.Meta):
        model = ReReview
        fields = ["reference", "model", "trigger", "assignee", "state", "due_date"]


class AccessRequestTable(WorkTable):
    reference = tables.Column(verbose_name="Reference")
    model = _model_link()
    requester = tables.Column(accessor="requester__requester_profile__legal_name", verbose_name="Requester")
    developer = tables.Column(accessor="model__developer__name", verbose_name="Developer")
    tier = tables.Column(accessor="tier_at_request", verbose_name="Tier")
    state = tables.Column(verbose_name="State")
    created_at = tables.DateTimeColumn(verbose_name="Filed", format="Y-m-d")
    decided_at = tables.DateTimeColumn(verbose_name="Decided", format="Y-m-d")

    class Meta(WorkTable.Meta):
        model = AccessRequest
        fields = ["reference", "model", "requester", "developer", "tier", "state", "created_at", "decided_at"]
