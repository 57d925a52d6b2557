"""One run of the product's full revalidation, ``revalidate_all()``, in a process of its
own (what ``manage.py revalidate`` does). Prints one JSON line: time, report and the
process's own peak RSS (``VmHWM``: the high-water mark of this process's memory, which an
``exec`` resets, unlike ``ru_maxrss``, which a child inherits from the process that forked it)."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")


def high_water_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM is not reported on this system")


def main() -> None:
    import django

    django.setup()
    from governance.workflows.revalidation import revalidate_all

    rss_before_mb = high_water_mb()
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
                "rss_before_mb": rss_before_mb,
                "peak_rss_mb": high_water_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
