import pytest

from tests.factories import BenchmarkFactory, domain


@pytest.fixture
def benchmarks(world):
    """One benchmark per task of the sample logs, reading the metric each log reports."""
    return {
        "bio": BenchmarkFactory(slug="wmdp-bio", external_id="wmdp_bio_mini", domain=domain("bio"), metric="accuracy"),
        "ctf": BenchmarkFactory(
            slug="cyber-ctf", external_id="cyber_ctf_mini", domain=domain("cyber"), metric="includes/accuracy"
        ),
        "lm": BenchmarkFactory(
            slug="wmdp-cyber", external_id="wmdp_cyber_mini", domain=domain("cyber"), metric="acc,none"
        ),
        "persuasion": BenchmarkFactory(
            slug="persuasion-mini", external_id="persuasion_mini", domain=domain("persuasion"), metric="acc_norm,none"
        ),
    }


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A media root per test, so that what an import leaves behind is its own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT
