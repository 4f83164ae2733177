"""Settings for the front desk, read from the environment with safe defaults.

With no environment at all the app runs on SQLite (WAL mode) and a Celery
broker on the local filesystem, so that `make run` needs no server. Set
DATABASE_URL and CELERY_BROKER_URL (or REDIS_URL) to run on PostgreSQL and
Redis. `frontdesk.settings_production` tightens this file for deployment.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FRONTDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key(folder: Path) -> str:
    """This checkout's own secret key, made at first use and kept in `folder/secret_key`.

    A fixed key in the code would let anyone who read it sign a resident's rating
    link or a session for any desk that runs without SECRET_KEY. Made under a
    temporary name and linked into place, so that processes starting together
    (web, worker, beat) all end up with the same key.
    """
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".secret_key.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: theirs stands
        finally:
            temporary.unlink()
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", True)
# Production settings require SECRET_KEY from the environment (settings_production).
SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "sequences",
    "axes",
    "frontdesk.core",
    "residents",
    "tickets",
    "billing",
    "frontdesk.desk",
    "frontdesk.registers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "frontdesk.core.outage.outage_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontdesk.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "frontdesk.core.middleware.SessionGuardMiddleware",
    # After the screen lock: a form refused by a locked session keeps its token.
    "frontdesk.core.idempotency.idempotency_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (Django's own): scripts and styles only from the desk's
# own static files, no inline script, style or event handler anywhere; images may
# be data: URIs (QR codes). Pages keep their JavaScript in static/js/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "frontdesk.urls"
WSGI_APPLICATION = "frontdesk.wsgi.application"
ASGI_APPLICATION = "frontdesk.asgi.application"

# Form widgets render through the project's template settings, so a widget's template
# may live in templates/ (the registers' signature pad does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontdesk.core.context_processors.desk",
                "tickets.context_processors.tickets",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite by default (WAL mode, set on each connection in frontdesk.core.apps);
# DATABASE_URL=postgres://user@host:5432/name for PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'frontdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A kept connection that broke (the database restarted) is replaced, not reused.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# PostgreSQL's JIT compiles a query's expressions before running it: worth it for an
# hour-long analytic query, not for the desk's, where it cost more than it saved (about
# 1.1 s of compiling for a 0.3 s report query at a million orders). PG_OPTIONS passes
# other session settings (libpq `options`, e.g. "-c statement_timeout=30000").
PG_SESSION_OPTIONS = os.environ.get("PG_OPTIONS", "-c jit=off")
# A read replica of PostgreSQL for the reports' aggregates (frontdesk/core/replica.py):
# REPORTS_DATABASE_URL=postgres://reader@replica:5432/name. Unset, reports read the primary.
if os.environ.get("REPORTS_DATABASE_URL"):
    DATABASES["reports"] = dj_database_url.parse(
        os.environ["REPORTS_DATABASE_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    # Tests run on the one test database: the replica alias reads it too.
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["frontdesk.core.replica.ReplicaRouter"]
for _alias in DATABASES.values():
    if _alias["ENGINE"].startswith("django.db.backends.postgresql") and PG_SESSION_OPTIONS:
        _alias.setdefault("OPTIONS", {})["options"] = PG_SESSION_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 for every new or changed password; older hashes still verify and are
# rehashed with Argon2 at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Sessions: logged out after SESSION_IDLE_MINUTES without the clerk's activity
# (frontdesk.core.middleware.SessionGuardMiddleware), and never longer than a shift.
# The browser locks the screen after SCREEN_LOCK_MINUTES without a key or a click
# (0: only the top bar's button locks it); the password unlocks it.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SCREEN_LOCK_MINUTES = float(os.environ.get("SCREEN_LOCK_MINUTES", "10"))
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # a worker lands on their orders, the desk on its home page
LOGOUT_REDIRECT_URL = "login"

# Login rate limit (django-axes): after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The same client address as the API's rate limits (NUM_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "frontdesk.core.api.throttling.client_address"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development WhiteNoise serves straight from the app and static/ folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Attachments larger than this are refused with a form error, not a 500.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- REST API -----------------------------------------------------------------
# An API token works this many hours after it was issued (a desk shift and some).
API_TOKEN_TTL_HOURS = float(os.environ.get("API_TOKEN_TTL_HOURS", "12"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request gets 401 with
        # `WWW-Authenticate: Token`, which API clients understand.
        "frontdesk.core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "frontdesk.core.api.pagination.DeskCursorPagination",
    # JSON in and out that refuses (and never fails on) text that is not text.
    "DEFAULT_PARSER_CLASSES": [
        "frontdesk.core.api.parsers.DeskJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "frontdesk.core.api.renderers.DeskJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "frontdesk.core.api.schema.DeskAutoSchema",
    "EXCEPTION_HANDLER": "frontdesk.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_TOKEN_RATE", "20/min"),
        "token_username": os.environ.get("API_TOKEN_USERNAME_RATE", "10/min"),
    },
    # Proxies of our own in front of the server: X-Forwarded-For is read only
    # that deep (0: never; a client writes what it likes in that header).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    # The browsable API's HTML forms render every foreign key as a <select> of
    # the whole related table; with 100,000 households that page never loads.
    "HTML_SELECT_CUTOFF": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Front desk API",
    "DESCRIPTION": "Households, work orders and fees of a property service center.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Enum components first, then drop any component no operation uses.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "frontdesk.core.api.schema.drop_unused_components",
    ],
    # Tag each operation by its resource (households, cards...), not by "v1".
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Served from static/ by drf-spectacular-sidecar: the desk works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" or a "kind": name each choice set after its enum.
    "ENUM_NAME_OVERRIDES": {
        "UnitStatusEnum": "residents.choices.UnitStatus",
        "CardKindEnum": "residents.choices.CardKind",
        "CardStatusEnum": "residents.choices.CardStatus",
        "DecorationStatusEnum": "residents.choices.DecorationStatus",
        "InspectionKindEnum": "residents.choices.InspectionKind",
        "TicketKindEnum": "tickets.choices.TicketKind",
        "TicketStatusEnum": "tickets.choices.TicketStatus",
        "ContractKindEnum": "tickets.choices.ContractKind",
        "DepartmentEnum": "tickets.choices.Department",
        "RatingEnum": "tickets.choices.Rating",
        "LiaisonStatusEnum": "tickets.choices.LiaisonStatus",
        "ReferredToEnum": "tickets.choices.ReferredTo",
        "EntryKindEnum": "frontdesk.desk.choices.EntryKind",
        "EntryStatusEnum": "frontdesk.desk.choices.EntryStatus",
        "ChannelEnum": "frontdesk.desk.choices.Channel",
        "FollowUpKindEnum": "frontdesk.desk.choices.FollowUpKind",
        "ShiftStatusEnum": "frontdesk.desk.choices.ShiftStatus",
        "HandoverStatusEnum": "frontdesk.desk.choices.HandoverStatus",
        "ReviewKindEnum": "frontdesk.desk.choices.ReviewKind",
        "ReviewStatusEnum": "frontdesk.desk.choices.ReviewStatus",
        "IncidentStatusEnum": "frontdesk.desk.choices.IncidentStatus",
        "IncidentStepKindEnum": "frontdesk.desk.choices.IncidentStepKind",
        "TrackingStatusEnum": "frontdesk.desk.choices.TrackingStatus",
        "DeskReferredToEnum": "frontdesk.desk.choices.ReferredTo",
        "ChargeKindEnum": "billing.choices.ChargeKind",
        "CardWorkKindEnum": "frontdesk.registers.choices.passes.CardWorkKind",
        "MeterKindEnum": "billing.choices.MeterKind",
        "BillStatusEnum": "billing.choices.BillStatus",
        "PaymentMethodEnum": "billing.choices.PaymentMethod",
        "PaymentStatusEnum": "billing.choices.PaymentStatus",
        "DepositKindEnum": "billing.choices.DepositKind",
        "DepositStatusEnum": "billing.choices.DepositStatus",
        "RefundStatusEnum": "billing.choices.RefundStatus",
        "ReceiptKindEnum": "billing.choices.ReceiptKind",
        "CashHandoverStatusEnum": "billing.choices.HandoverStatus",
        "ExpenditureCategoryEnum": "billing.choices.ExpenditureCategory",
        "ComplaintCategoryEnum": "tickets.choices.ComplaintCategory",
        "ChecklistKindEnum": "frontdesk.registers.choices.inspections.ChecklistKind",
        "IdTypeEnum": "residents.choices.IdType",
        "KeyKindEnum": "frontdesk.registers.choices.loans.KeyKind",
        "LoanStatusEnum": "frontdesk.registers.choices.loans.LoanStatus",
        "CustodyStatusEnum": "frontdesk.registers.choices.custody.CustodyStatus",
        "CollectorEnum": "frontdesk.registers.choices.custody.Collector",
        "FoundStatusEnum": "frontdesk.registers.choices.lost_found.FoundStatus",
        "DisposalEnum": "frontdesk.registers.choices.lost_found.Disposal",
        # The registers: visitors, messages, mail and parcels.
        "ParcelKindEnum": "frontdesk.registers.choices.parcels.ParcelKind",
        "CarrierEnum": "frontdesk.registers.choices.parcels.Carrier",
        "ParcelStatusEnum": "frontdesk.registers.choices.parcels.ParcelStatus",
        "ParcelTellChannelEnum": "frontdesk.registers.choices.parcels.TellChannel",
        "CollectorKindEnum": "frontdesk.registers.choices.parcels.CollectorKind",
        "VisitorStatusEnum": "frontdesk.registers.choices.visitors.VisitorStatus",
        "VisitorPostEnum": "frontdesk.registers.choices.visitors.VisitorPost",
        "MessageKindEnum": "frontdesk.registers.choices.visitors.MessageKind",
        "MessageStatusEnum": "frontdesk.registers.choices.visitors.MessageStatus",
        "MessageTellHowEnum": "frontdesk.registers.choices.visitors.TellHow",
    },
}

# --- Celery -------------------------------------------------------------------
# Default broker: kombu's filesystem transport under var/, which needs no server.
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "filesystem://"
)
if CELERY_BROKER_URL == "filesystem://":
    for sub in ("out", "processed"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Exchange tables (else a `control/` folder in the working directory).
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# The deadline sweep: every minute (DEADLINE_SWEEP_SECONDS shortens it in the
# worker integration test). A sweep older than its interval is dropped rather
# than run late: the next one does the same work. One beat process only (see
# frontdesk/core/tasks.py).
DEADLINE_SWEEP_SECONDS = float(os.environ.get("DEADLINE_SWEEP_SECONDS", "60"))
CELERY_BEAT_SCHEDULE["deadlines-sweep"] = {
    "task": "frontdesk.core.tasks.sweep_deadlines",
    "schedule": DEADLINE_SWEEP_SECONDS,
    "options": {"expires": DEADLINE_SWEEP_SECONDS},
}
CELERY_BEAT_SCHEDULE["forget-submissions"] = {
    "task": "frontdesk.core.tasks.forget_submissions",
    "schedule": 24 * 3600.0,
    "options": {"expires": 3600},
}
# The work orders' periodic jobs (tickets/jobs.py), crontab in TIME_ZONE. Each is
# safe to run twice and makes up for a tick beat missed (it reads what is due or
# missing from the database), so an expired tick is simply left to the next one.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["contract-visits-daily"] = {
    "task": "tickets.tasks.list_contract_visits",
    "schedule": crontab(minute=0, hour=6),
    "options": {"expires": 6 * 3600},
}
CELERY_BEAT_SCHEDULE["unreturned-end-of-day"] = {
    "task": "tickets.tasks.end_of_day_unreturned",
    "schedule": crontab(minute=30, hour=18),
    "options": {"expires": 4 * 3600},
}
CELERY_BEAT_SCHEDULE["weekly-summaries"] = {
    "task": "tickets.tasks.weekly_summaries",
    "schedule": crontab(minute=30, hour=8, day_of_week="mon"),
    "options": {"expires": 12 * 3600},
}
# The monthly complaint statistics on the 27th, and a daily catch-up that issues any
# complete period still missing (a 27th beat missed). COMPLAINT_REPORT_SECONDS runs
# it every so many seconds instead (the worker integration test).
# The desk's day left unsigned by the supervisor, announced the next morning.
CELERY_BEAT_SCHEDULE["desk-unsigned-days"] = {
    "task": "frontdesk.desk.tasks.announce_unsigned_days",
    "schedule": crontab(minute=0, hour=8),
    "options": {"expires": 12 * 3600},
}
CELERY_BEAT_SCHEDULE["complaint-statistics-27th"] = {
    "task": "tickets.tasks.complaint_reports",
    "schedule": crontab(minute=5, hour=0, day_of_month=27),
    "options": {"expires": 12 * 3600},
}
CELERY_BEAT_SCHEDULE["complaint-statistics-catch-up"] = {
    "task": "tickets.tasks.complaint_reports",
    "schedule": (
        float(os.environ["COMPLAINT_REPORT_SECONDS"])
        if os.environ.get("COMPLAINT_REPORT_SECONDS")
        else crontab(minute=15, hour=7)
    ),
    "options": {"expires": 12 * 3600},
}
# The desk's daily list of mail waiting for pickup, to each building's area staff at the
# project's own time (ParcelSettings.daily_list_at, 10:00 unless set): checked every 15
# minutes, sent once per project and day however often it runs.
CELERY_BEAT_SCHEDULE["parcels-daily-list"] = {
    "task": "frontdesk.registers.tasks.send_parcel_daily_lists",
    "schedule": crontab(minute="*/15"),
    "options": {"expires": 14 * 60},
}
# The monthly bill run of fees (billing/tasks.py) on the 1st, for the month just ended;
# repeated or late, it creates nothing new.
CELERY_BEAT_SCHEDULE["monthly-bill-run"] = {
    "task": "billing.tasks.monthly_bill_runs",
    "schedule": crontab(minute=30, hour=1, day_of_month=1),
    "options": {"expires": 20 * 3600},
}

# --- Mail ---------------------------------------------------------------------
# Console in development; SMTP (EMAIL_HOST, EMAIL_PORT, ...) when DEBUG is off.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "frontdesk@localhost")

# How long an API write's Idempotency-Key is remembered (frontdesk.core.idempotency).
IDEMPOTENCY_HOURS = int(os.environ.get("IDEMPOTENCY_HOURS", "24"))

# --- Caches -------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # An unreachable Redis is a cache miss, not an error (frontdesk.core.outage).
            "BACKEND": "frontdesk.core.outage.TolerantRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
