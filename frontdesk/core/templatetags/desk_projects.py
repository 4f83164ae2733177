"""Rows that name their project, for a user who works in several.

Serial numbers, building numbers and liaison numbers repeat from one project to the
next, so a user of several projects reads two identical rows as a duplicate unless
each names its project. `{% project_of row %}` prints the row's project name for
such a user, and nothing for a user of one project (at no cost); the names come
from one query per request (the context processor's `desk_project_names`).
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..scoping import project_ids_for

register = template.Library()


@register.simple_tag(takes_context=True)
def project_of(context: Any, row: Any, separator: str = " · ", newline: bool = False) -> SafeString:
    """The row's project name (after `separator`, or on a new line) when the user works in
    several projects; nothing otherwise."""
    user = context.get("user")
    # The user's project ids are cached on the user: a user of one project costs no query.
    if user is None or len(project_ids_for(user)) < 2:
        return SafeString("")
    name = (context.get("desk_project_names") or {}).get(getattr(row, "project_id", None))
    if not name:
        return SafeString("")
    if newline:
        return format_html('<br><small class="muted project-name">{}</small>', name)
    return format_html('{}<small class="muted project-name">{}</small>', separator, name)
