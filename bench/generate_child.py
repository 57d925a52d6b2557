"""``generate_load_data`` in a process of its own (``python bench/generate_child.py N
[--reset]``), so that its peak memory is its own: the command's output, then one JSON line
with the time and the process's peak RSS (see ``revalidate_child``)."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

from bench.revalidate_child import high_water_mb  # noqa: E402


def main(models: int, reset: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("generate_load_data", models=models, reset=reset)
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "peak_rss_mb": high_water_mb()}), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), "--reset" in sys.argv[2:])
