"""Aperture: the system of record for capability-indexed access tiers (framework C-002)."""

from governance.celery import app as celery_app

__all__ = ["celery_app"]
