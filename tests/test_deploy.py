"""docker-compose.yml names the services production needs and only commands this project has."""

import importlib
import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def command(service: dict) -> list[str]:
    cmd = service["command"]
    if cmd[:2] == ["sh", "-c"]:
        return shlex.split(cmd[2])
    return cmd


def test_compose_has_the_production_services():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "scheduler"}
    for name in ("web", "worker", "scheduler"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["DEBUG"] == "0"
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}


def test_web_migrates_then_serves_the_real_wsgi_application():
    words = command(compose()["services"]["web"])
    assert words[:4] == ["python", "manage.py", "migrate", "--noinput"]
    target = words[words.index("gunicorn") + 1]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))


def test_worker_and_scheduler_run_the_projects_celery_app():
    services = compose()["services"]
    worker, scheduler = command(services["worker"]), command(services["scheduler"])
    assert worker[:4] == ["celery", "-A", "governance", "worker"]
    assert scheduler[:4] == ["celery", "-A", "governance", "beat"]
    app = importlib.import_module("governance.celery").app
    assert app.main == "governance"
    scheduler_class = scheduler[scheduler.index("--scheduler") + 1]
    assert scheduler_class == settings.CELERY_BEAT_SCHEDULER
    module, name = scheduler_class.split(":")
    assert hasattr(importlib.import_module(module), name)
    assert services["scheduler"]["deploy"]["replicas"] == 1, "exactly one scheduler"


def test_the_environment_compose_sets_is_the_environment_settings_read():
    source = (ROOT / "governance" / "settings.py").read_text()
    env = compose()["x-app"]["environment"]
    for variable in env:
        assert re.search(rf"[\"']{variable}[\"']", source), f"settings never read {variable}"
    example = (ROOT / ".env.example").read_text()
    for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert f"{variable}=" in example


def test_the_image_collects_static_files_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic --noinput" in dockerfile
    assert "USER nobody" in dockerfile
    assert "-r requirements.txt" in dockerfile
