"""The work lists' tables (django-tables2): the columns a list shows, and its CSV export holds."""

import django_tables2 as tables

from governance.compliance.models import ComplianceSubmission, EnforcementCase, Obligation


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
    reference = tables.Column(verbose_name="Reference")
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
