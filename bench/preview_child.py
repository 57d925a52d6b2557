"""The impact preview of one draft threshold set (``python bench/preview_child.py ID``), in
a process of its own so that its peak memory is its own. Prints one JSON line: time, how
many models would move, the process's peak RSS (see ``revalidate_child``) and that of the
largest process it swept a part in (``SWEEP_PROCESSES``; 0 if it swept alone)."""

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

from bench.revalidate_child import high_water_mb  # noqa: E402


def main(threshold_set_id: int) -> None:
    import django

    django.setup()
    from governance.baselines.models import ThresholdSet
    from governance.determinations.preview import impact_preview

    draft = ThresholdSet.objects.get(pk=threshold_set_id)
    rss_before_mb = high_water_mb()
    started = time.perf_counter()
    preview = impact_preview(draft)
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "changes": len(preview["changes"]),
                "off_rule": len(preview["off_rule"]),
                "matrix": preview["matrix"],
                "rss_before_mb": rss_before_mb,
                "peak_rss_mb": high_water_mb(),
                # The largest child waited for (KB on Linux): the parts' processes.
                "part_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
