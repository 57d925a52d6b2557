"""One run of the product's full revalidation, ``revalidate_all()``, in a process of its
own (what ``manage.py revalidate`` does), so that the peak RSS the benchmark reads with
``os.wait4`` is the revalidation's. Prints one JSON line: time, report and RSS."""

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")


def main() -> None:
    import django

    django.setup()
    from governance.workflows.revalidation import revalidate_all

    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = revalidate_all()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "models": report.models,
                "chunks": report.chunks,
                "initial": report.initial,
                "escalations": report.escalations,
                "relaxations": report.relaxations,
                "written": report.written,
                "rss_before_mb": rss_before_kb / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
