"""Production settings: the environment settings with deployment hardening.

Use with DJANGO_SETTINGS_MODULE=frontdesk.settings_production. SECRET_KEY and
ALLOWED_HOSTS must come from the environment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "false")
# A worker keeps its database connection between requests: a new connection costs a
# PostgreSQL backend process and plans its first queries with cold catalog caches.
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
# Checked before the shared settings load, which would otherwise make a key of
# their own under var/ (the development default).
if not os.environ.get("SECRET_KEY", "").strip():
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")

from .settings import *  # noqa: E402,F403
from .settings import env_bool  # noqa: E402

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
