"""Background tasks for notifications (Django tasks API): thin, idempotent, calling the services."""

from django_tasks import task

from congso.notify.services import notification_email_send


@task()
def send_notification_email(
    *,
    to: str,
    notification_id: int | None = None,
    subject: str = "",
    body: str = "",
    url: str = "",
) -> bool:
    """Send one e-mail for one notification (by id, sent at most once) or for the given text."""
    return notification_email_send(to=to, notification_id=notification_id, subject=subject, body=body, url=url)
