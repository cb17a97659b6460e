"""Template helpers for notifications: ``{% load notify %}``.

``{% unread_notifications as count %}`` gives the signed-in user's number of
unread notifications (0 for an anonymous visitor), e.g. for a badge on the
inbox link in the site header.
"""

from django import template

from congso.notify.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return unread_count(user) if user is not None else 0
