from governance.baselines.models import ThresholdSet
from governance.tiering.rule import DomainThreshold


def threshold_set_in_force() -> ThresholdSet | None:
    return ThresholdSet.objects.filter(status=ThresholdSet.Status.IN_FORCE).first()


def thresholds_of(threshold_set: ThresholdSet) -> list[DomainThreshold]:
    """The set's entries as the pure tier rule's input."""
    return [
        DomainThreshold(
            domain=entry.domain.slug,
            catastrophic=entry.domain.catastrophic,
            low=entry.low,
            high=entry.high,
            critical=entry.critical,
        )
        for entry in threshold_set.entries.select_related("domain")
    ]
