#!/usr/bin/env bash
# `make run`: the Celery worker, the beat scheduler and the web server, together.
#
# Each runs in its own session (setsid), so stopping one stops its children too (the
# worker's pool, the autoreloader's server). Ctrl-C, or any of the three ending, stops all
# three: nothing is left running. The banner is printed once the server answers, after the
# seed's and the workers' start-up logs, and names every demo login.
set -u
PY=${PY:-.venv/bin/python}
CELERY=${CELERY:-.venv/bin/celery}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DEBUG=1

pids=()
stop() {
    trap - EXIT INT TERM
    # Each leader first (the worker shuts its pool down itself), then whatever is left of
    # its session (the autoreloader's server process).
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
    echo "Aperture stopped (worker, scheduler and web server)."
}
trap stop EXIT
trap 'exit 130' INT TERM

setsid "$CELERY" -A governance worker --loglevel=INFO --concurrency=2 --without-mingle --without-gossip &
pids+=($!)
setsid "$CELERY" -A governance beat --loglevel=INFO &
pids+=($!)
setsid "$PY" manage.py runserver "$HOST:$PORT" &
pids+=($!)

# Wait until the server answers (at most a minute), then print the banner.
"$PY" - "$HOST" "$PORT" <<'PYTHON' || { echo "The web server did not start." >&2; exit 1; }
import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
for _ in range(240):
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.25)
sys.exit(1)
PYTHON
logins=$("$PY" - <<'PYTHON'
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
django.setup()
from governance.demo.management.commands.seed_demo import PASSWORD, USERS
import textwrap
print(f'  Demo logins, password "{PASSWORD}":')
print(textwrap.fill(" ".join(username for username, _, _ in USERS), 72, initial_indent="    ", subsequent_indent="    "))
PYTHON
)
cat <<BANNER

  ============================================================================
  Aperture is running at http://$HOST:$PORT/   (API docs: /api/docs/)
$logins
  Administration: http://$HOST:$PORT/admin/ as "admin" (same password)
  Ctrl-C stops everything.
  ============================================================================

BANNER

wait -n "${pids[@]}"
