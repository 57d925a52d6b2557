"""The benchmark's settings with a URLconf holding one minimal JSON view (the baseline)."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench.minimal"
