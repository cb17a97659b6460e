"""TASKS_BACKEND picks the task backend; a wrong value stops start-up."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _tasks_backend(value: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "true"}
    env.pop("TASKS_BACKEND", None)
    if value is not None:
        env["TASKS_BACKEND"] = value
    code = "import config.settings.base as s; print(s.TASKS['default']['BACKEND'])"
    return subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=False
    )


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django_tasks.backends.immediate.ImmediateBackend"),
        ("immediate", "django_tasks.backends.immediate.ImmediateBackend"),
        ("Database", "django_tasks_db.DatabaseBackend"),
    ],
)
def test_tasks_backend_from_the_environment(value, backend):
    result = _tasks_backend(value)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


def test_a_bad_tasks_backend_is_improperly_configured():
    result = _tasks_backend("celery")

    assert result.returncode != 0
    assert "ImproperlyConfigured: TASKS_BACKEND must be one of immediate, database, got 'celery'" in result.stderr


def test_default_channels():
    assert settings.CONGSO_NOTIFY_CHANNELS == ["inbox", "email"]
    assert "django_tasks" in settings.INSTALLED_APPS
    assert "django_tasks_db" in settings.INSTALLED_APPS
