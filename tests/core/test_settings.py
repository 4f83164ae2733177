"""Settings come from the environment; production settings pass Django's deployment checks.

Each case runs Django in a subprocess with its own environment, as a deployment would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "frontdesk.settings_production",
    "SECRET_KEY": "a-production-secret-key-of-more-than-fifty-characters-0123456789",
    "ALLOWED_HOSTS": "desk.example.com",
}
# Variables of the developer's or CI's shell that would change the defaults under test.
READ_BY_SETTINGS = [
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REPORTS_DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "CELERY_RESULT_BACKEND",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "EMAIL_BACKEND",
]


def run_django(code, env, tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    environ.update({"FRONTDESK_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)})
    environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(env, names, tmp_path):
    code = (
        "import json; from django.conf import settings\n"
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = run_django(code, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_pass_the_deployment_checks(tmp_path):
    """`manage.py check --deploy --fail-level WARNING` with production settings finds nothing."""
    code = (
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = run_django(code, PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG"),
    ],
)
def test_production_settings_refuse_an_unsafe_environment(env, message, tmp_path):
    """Production settings stop at start-up without a secret key or with DEBUG on."""
    environ = {**PRODUCTION, **env}
    if not environ["SECRET_KEY"]:
        del environ["SECRET_KEY"]
    result = run_django("", environ, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_defaults_need_no_server(tmp_path):
    """With no environment: SQLite in WAL mode, a filesystem broker, Shanghai time, Chinese."""
    values = settings_with(
        {}, ["DATABASES", "CELERY_BROKER_URL", "TIME_ZONE", "LANGUAGE_CODE", "DEBUG"], tmp_path
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["NAME"].startswith(str(tmp_path))
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    assert (values["TIME_ZONE"], values["LANGUAGE_CODE"]) == ("Asia/Shanghai", "zh-hans")
    assert values["DEBUG"] is True


def test_a_reports_replica_is_configured_only_when_named(tmp_path):
    """REPORTS_DATABASE_URL adds the replica alias and its router; unset, there is neither."""
    names = ["DATABASES", "DATABASE_ROUTERS"]
    primary = {"DATABASE_URL": "postgres://desk@db.internal:5432/frontdesk"}
    alone = settings_with(primary, names, tmp_path)
    assert list(alone["DATABASES"]) == ["default"] and alone["DATABASE_ROUTERS"] == []
    url = "postgres://reader@replica.internal:5432/frontdesk"
    values = settings_with({**primary, "REPORTS_DATABASE_URL": url}, names, tmp_path)
    replica = values["DATABASES"]["reports"]
    assert (replica["HOST"], replica["USER"]) == ("replica.internal", "reader")
    assert replica["TEST"]["MIRROR"] == "default"
    assert values["DATABASE_ROUTERS"] == ["frontdesk.core.replica.ReplicaRouter"]


def test_environment_selects_postgresql_and_redis(tmp_path):
    """DATABASE_URL and REDIS_URL switch to PostgreSQL, a Redis broker and a Redis cache."""
    values = settings_with(
        {
            "DATABASE_URL": "postgres://desk:secret@db.internal:5432/frontdesk",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "TIME_ZONE": "Asia/Hong_Kong",
            "ALLOWED_HOSTS": "a.example.com, b.example.com",
        },
        ["DATABASES", "CELERY_BROKER_URL", "CACHES", "TIME_ZONE", "ALLOWED_HOSTS"],
        tmp_path,
    )
    database = values["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "frontdesk",
    )
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert values["TIME_ZONE"] == "Asia/Hong_Kong"
    assert values["ALLOWED_HOSTS"] == ["a.example.com", "b.example.com"]


def test_celery_broker_url_wins_over_redis_url(tmp_path):
    """CELERY_BROKER_URL names the broker even when REDIS_URL is set for the cache."""
    values = settings_with(
        {"CELERY_BROKER_URL": "redis://broker:6379/1", "REDIS_URL": "redis://cache:6379/0"},
        ["CELERY_BROKER_URL"],
        tmp_path,
    )
    assert values["CELERY_BROKER_URL"] == "redis://broker:6379/1"


def test_compose_runs_one_beat_and_migrates_first():
    """docker compose runs web, worker and one beat on PostgreSQL and Redis, after migrate."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    assert services["db"]["image"] == "postgres:16" and services["redis"]["image"] == "redis:7"
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "beat" in services["beat"]["command"] and "gunicorn" in services["web"]["command"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert "settings_production" in env["DJANGO_SETTINGS_MODULE"]
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_development_secret_key_is_made_per_checkout_and_kept(tmp_path):
    """Without SECRET_KEY each checkout makes its own random key under var/, kept across starts."""
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_django(code, {}, tmp_path / "one")
    again = run_django(code, {}, tmp_path / "one")
    other = run_django(code, {}, tmp_path / "two")
    assert first.returncode == again.returncode == other.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and "insecure" not in key
    assert again.stdout.strip().splitlines()[-1] == key
    assert other.stdout.strip().splitlines()[-1] != key
    kept = tmp_path / "one" / "var" / "secret_key"
    assert kept.read_text().strip() == key
    assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    # Nothing in the code names a key that every installation would share.
    settings_source = (ROOT / "frontdesk" / "settings.py").read_text()
    assert "insecure-development-key" not in settings_source


def test_production_settings_make_no_key_of_their_own(tmp_path):
    """Production without SECRET_KEY stops and leaves no generated key behind."""
    environ = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_django("", environ, tmp_path)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_development_server_does_not_serve_uploads_from_media_url(tmp_path):
    """With DEBUG on, an uploaded web page under /media/ is not served to anyone."""
    media = tmp_path / "media" / "households" / "2026" / "11"
    media.mkdir(parents=True)
    (media / "x.html").write_text("<script>alert(1)</script>")
    code = (
        "from django.test import Client\n"
        "r = Client().get('/media/households/2026/11/x.html')\n"
        "print(r.status_code, r.get('Content-Type'))"
    )
    result = run_django(code, {"DEBUG": "true", "MEDIA_ROOT": str(tmp_path / "media")}, tmp_path)
    assert result.returncode == 0, result.stderr
    status, content_type = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "404", content_type


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_sessions_run_without_jit_unless_told(tmp_path):
    """On PostgreSQL the desk's sessions have JIT off (it compiled a report query for longer
    than the query ran); PG_OPTIONS replaces the session options, and SQLite gets none."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    url = "postgres://desk@db.internal:5432/frontdesk"
    told = settings_with(
        {"DATABASE_URL": url, "PG_OPTIONS": "-c statement_timeout=30000"}, ["DATABASES"], tmp_path
    )
    assert told["DATABASES"]["default"]["OPTIONS"]["options"] == "-c statement_timeout=30000"
    sqlite = settings_with({}, ["DATABASES"], tmp_path)
    assert "options" not in sqlite["DATABASES"]["default"]["OPTIONS"]


def test_production_keeps_database_connections_between_requests(tmp_path):
    """Production settings keep a worker's database connection for 60 s unless told: a new
    connection per request costs a PostgreSQL backend and plans with cold caches."""
    kept = settings_with(PRODUCTION, ["DATABASES"], tmp_path)
    assert kept["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    told = settings_with({**PRODUCTION, "DB_CONN_MAX_AGE": "0"}, ["DATABASES"], tmp_path)
    assert told["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
