"""Background tasks of the open-data catalog (Django tasks API): the nightly refresh of the datasets
the platform publishes itself, and of the tabular store's indexes.

With the database backend (``TASKS_BACKEND=database``, run by ``manage.py db_worker``) the task
re-enqueues itself for the next night at ``REFRESH_AT`` (Asia/Ho_Chi_Minh) before it publishes,
so a failing run does not break the chain; ``schedule_refresh`` never leaves more than one run
waiting. ``manage.py opendata_publish --schedule`` starts the chain once. The immediate backend
(the embedded demo) cannot defer a task: there, run ``manage.py opendata_publish`` from cron
instead (see docs/adr/0012-dcat-and-publisher-registry.md).
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from congso.core.calendar import OFFICE_TZ
from congso.opendata import datastore
from congso.opendata.publishers import publish_all

REFRESH_AT = time(2, 0)
"""When the nightly refresh runs, office time: after the day's work, before the morning."""


def next_refresh(after: datetime) -> datetime:
    """The first ``REFRESH_AT`` strictly after ``after``."""
    local = after.astimezone(OFFICE_TZ)
    candidate = datetime.combine(local.date(), REFRESH_AT, tzinfo=OFFICE_TZ)
    return candidate if candidate > local else candidate + timedelta(days=1)


@task()
def refresh_published_datasets() -> dict[str, Any]:
    """Run every publisher of the registry, then complete the indexes of every table of the tabular store
    (``datastore.complete_indexes``); returns the keys refreshed, unchanged and failed, and the number of
    tables looked at."""
    schedule_refresh()
    summary: dict[str, Any] = {"changed": [], "unchanged": [], "failed": []}
    for result in publish_all():
        if result.error:
            summary["failed"].append(result.key)
        elif result.created or result.new_versions:
            summary["changed"].append(result.key)
        else:
            summary["unchanged"].append(result.key)
    summary["tables"] = datastore.complete_indexes()
    return summary


def schedule_refresh(*, now: datetime | None = None) -> datetime | None:
    """Enqueue the next nightly run unless one is already waiting; returns when it will run.

    Two schedulers racing may both enqueue; the chain then heals itself: the first of the two runs
    finds the other one waiting and adds none. None when the task backend cannot run a task later
    (the immediate backend): use cron there.
    """
    backend = refresh_published_datasets.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult  # the only deferring backend configured (settings.TASKS)

    waiting = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=refresh_published_datasets.module_path)
        .order_by("run_after")
        .first()
    )
    if waiting is not None:
        return waiting.run_after
    run_after = next_refresh(now or timezone.now())
    refresh_published_datasets.using(run_after=run_after).enqueue()
    return run_after
