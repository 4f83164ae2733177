"""`{% form_token %}`: the one-time token that makes a form's double submit harmless.

Put it beside `{% csrf_token %}` in every form that writes; see
`frontdesk.core.idempotency`.
"""

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from frontdesk.core.idempotency import FORM_FIELD

register = template.Library()


@register.simple_tag
def form_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, uuid.uuid4().hex)
