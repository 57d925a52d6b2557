"""The product's settings for the benchmark's web servers, with one difference:
``STATIC_ROOT`` lies in the benchmark's scratch folder, so ``collectstatic`` (needed with
``DEBUG`` off) never writes into the working tree."""

import os
from pathlib import Path

from governance.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", VAR_DIR / "bench-static"))  # noqa: F405
