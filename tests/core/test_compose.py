"""docker-compose.yml, the Dockerfile and .dockerignore, checked by reading them.

No Docker engine runs on the development machines (DESIGN §10), so these tests parse the files
and hold them against the code: the services and their wiring, the commands and the modules they
name, and the environment variables the settings read.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import shlex
from pathlib import Path

import environ
import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::?(?P<op>[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str) -> str:
    """What Compose makes of `value` when no variable is set: `${X:-default}` gives the default,
    `${X:?message}` a placeholder (Compose refuses to start without it), `$$` a literal `$`."""

    def substitute(match: re.Match) -> str:
        if match["op"] == "-":
            return match["arg"]
        if match["op"] == "?":
            return f"<{match['name']}>"
        return ""

    return INTERPOLATION.sub(substitute, value).replace("$$", "$")


def command_words(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    if isinstance(command, str):
        return shlex.split(interpolate(command))
    if command[:2] == ["sh", "-c"]:
        return shlex.split(interpolate(command[2]))
    return [interpolate(word) for word in command]


def environment(service: str) -> dict[str, str]:
    return {name: str(value) for name, value in SERVICES[service]["environment"].items()}


def option(words: list[str], name: str) -> str:
    """The value of `--name value` or `--name=value` in a command line."""
    for index, word in enumerate(words):
        if word == name:
            return words[index + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    raise AssertionError(f"{name} not in {words}")


def settings_env_reads() -> set[str]:
    """Every variable name that marketplace/settings/*.py reads through django-environ."""
    names = set()
    for path in (ROOT / "marketplace" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            if is_env and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
    return names


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with backslash continuations joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            pairs.append((instruction.upper(), arguments.strip()))
    return pairs


def test_compose_defines_exactly_the_five_services():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis"}
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["image"] == SERVICES["web"]["image"]


def test_every_service_has_a_health_check_with_a_real_probe():
    for name, service in SERVICES.items():
        check = service["healthcheck"]
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
        assert check["interval"] and check["retries"] >= 1, name

    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(SERVICES["redis"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    # Beat answers no pings: its check reads the pid file that its command writes, in a place
    # the non-root user may write (the code under /app is root's).
    pidfile = option(command_words("beat"), "--pidfile")
    assert pidfile in " ".join(SERVICES["beat"]["healthcheck"]["test"])
    assert not pidfile.startswith("/app/")


def test_web_health_check_reaches_healthz_without_redirect_or_bad_host():
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    probe = test[3]
    compile(probe, "healthcheck", "exec")  # valid Python once YAML has folded it

    url = re.search(r"'http://127\.0\.0\.1:8000(/[^']*)'", probe)[1]
    assert resolve(url).url_name == "healthz"
    host = re.search(r"'Host': '([^']+)'", probe)[1]
    allowed = interpolate(environment("web")["ALLOWED_HOSTS"]).split(",")
    assert host in allowed
    # Production redirects plain HTTP to HTTPS unless the proxy says the request was secure.
    assert "'X-Forwarded-Proto': 'https'" in probe


def test_named_volumes_hold_postgres_redis_and_media():
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    assert "--appendonly" in SERVICES["redis"]["command"]
    for name in APP_SERVICES:
        media_root = environment(name)["MEDIA_ROOT"]
        assert f"media:{media_root}" in SERVICES[name]["volumes"], name


def test_web_migrates_collects_compiles_then_serves_with_gunicorn():
    words = command_words("web")
    steps = " ".join(words).split("&&")
    assert [step.split()[:3] for step in steps[:3]] == [
        ["python", "manage.py", "migrate"],
        ["python", "manage.py", "collectstatic"],
        ["python", "manage.py", "compile_catalogs"],
    ]
    assert {"migrate", "collectstatic", "compile_catalogs"} <= set(get_commands())

    server = steps[3].split()
    assert server[:2] == ["exec", "gunicorn"]
    assert server[2] == "marketplace.wsgi:application"
    assert int(option(server, "--workers")) >= 2
    assert option(server, "--bind") == "0.0.0.0:8000"
    assert any(port.endswith(":8000") for port in SERVICES["web"]["ports"])


def test_worker_and_beat_run_the_celery_app_with_the_database_scheduler():
    worker = command_words("worker")
    assert worker[:4] == ["celery", "-A", "marketplace", "worker"]
    assert int(option(worker, "--concurrency")) >= 1

    beat = command_words("beat")
    assert beat[:4] == ["celery", "-A", "marketplace", "beat"]
    scheduler = option(beat, "--scheduler")
    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    module, _, attribute = scheduler.partition(":")
    assert hasattr(importlib.import_module(module), attribute)

    import marketplace

    assert marketplace.celery_app.main == "marketplace"  # what `-A marketplace` finds


def test_app_services_share_the_production_environment():
    env = environment("web")
    for name in APP_SERVICES:
        assert environment(name) == env, name

    assert env["DJANGO_SETTINGS_MODULE"] == "marketplace.settings.production"
    assert importlib.util.find_spec(env["DJANGO_SETTINGS_MODULE"]) is not None
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # required, never a default
    assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-true}"  # overridable
    assert interpolate(env["REDIS_URL"]).startswith("redis://redis:6379/")
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        assert interpolate(env[name]).startswith("redis://redis:6379/")
    # The cache may be flushed; the broker's queues must not live in the same database.
    assert interpolate(env["REDIS_URL"]) != interpolate(env["CELERY_BROKER_URL"])


def test_database_url_matches_the_postgres_service():
    database = environ.Env.db_url_config(interpolate(environment("web")["DATABASE_URL"]))
    postgres = {
        name: interpolate(str(value)) for name, value in SERVICES["db"]["environment"].items()
    }

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db"
    assert database["PORT"] == 5432
    assert database["NAME"] == postgres["POSTGRES_DB"]
    assert database["USER"] == postgres["POSTGRES_USER"]
    assert database["PASSWORD"] == postgres["POSTGRES_PASSWORD"]
    assert f"-U {postgres['POSTGRES_USER']}" in " ".join(SERVICES["db"]["healthcheck"]["test"])


def test_compose_sets_only_variables_the_settings_read():
    read = settings_env_reads()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= read
    assert {"SECURE_SSL_REDIRECT", "STATIC_ROOT", "MEDIA_ROOT"} <= read

    env = environment("web")
    # Django and Celery read DJANGO_SETTINGS_MODULE themselves; everything else is a setting.
    unknown = set(env) - read - {"DJANGO_SETTINGS_MODULE"}
    assert not unknown, f"compose sets variables no setting reads: {sorted(unknown)}"
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= set(env)


def test_services_start_only_after_what_they_need_is_healthy():
    healthy = {"condition": "service_healthy"}
    assert SERVICES["web"]["depends_on"] == {"db": healthy, "redis": healthy}
    # web runs the migrations: worker and beat wait for it, so the schema is in place.
    for name in ("worker", "beat"):
        assert SERVICES[name]["depends_on"] == {"db": healthy, "redis": healthy, "web": healthy}
    assert "depends_on" not in SERVICES["db"]
    assert "depends_on" not in SERVICES["redis"]


def test_dockerfile_builds_a_non_root_python_311_image_that_runs_existing_modules():
    instructions = dockerfile_instructions()
    kinds = [kind for kind, _ in instructions]
    arguments = dict(instructions)

    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert any(
        kind == "RUN" and "pip install -r requirements.txt" in args for kind, args in instructions
    )
    assert ("COPY", "requirements.txt ./") in instructions

    user = arguments["USER"]
    assert user not in {"root", "0"}
    assert "useradd --system --uid 10001 --gid app" in " ".join(a for _, a in instructions)
    assert kinds.index("USER") > max(i for i, kind in enumerate(kinds) if kind == "RUN")

    # The directories the app user must write are its own, and they are where compose points.
    chown = next(args for kind, args in instructions if kind == "RUN" and "chown" in args)
    web_env = environment("web")
    for path in (web_env["STATIC_ROOT"], web_env["MEDIA_ROOT"], "/app/locale"):
        assert path in chown
    assert arguments["WORKDIR"] == "/app"
    assert (ROOT / "locale").is_dir()

    cmd = json.loads(arguments["CMD"])
    assert cmd[0] == "gunicorn"
    module, _, attribute = cmd[1].partition(":")
    assert importlib.util.find_spec(module) is not None
    assert attribute == "application"
    assert "application =" in (ROOT / Path(*module.split("."))).with_suffix(".py").read_text()
    assert int(option(cmd, "--workers")) >= 2
    assert arguments["EXPOSE"] == option(cmd, "--bind").rsplit(":", 1)[1]
    assert "ENTRYPOINT" not in kinds  # compose's command replaces CMD as a whole


@pytest.mark.parametrize("entry", [".git", ".venv", "var", ".env", "staticfiles", "media"])
def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image(entry):
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert entry in ignored
