"""Settings for every environment, read from the environment (twelve-factor).

Only `test.py` and `production.py` override anything; a variable that is not set falls back to a
default that suits a developer's machine. The full list is in README.md ("Environment").
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Only a development default: production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# One app per chapter of the manuals, lowest layer first (DESIGN §2). The one list: the URLconf
# mounts their URLs and `seed_demo` seeds their demo data in this order.
CHAPTER_APPS = [
    "compliance",
    "shops",
    "catalog",
    "logistics",
    "promotions",
    "orders",
    "aftersales",
    "crm",
    "analytics",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    # Shared pieces (DESIGN §1)
    "marketplace.core",
    "marketplace.accounts",
    # One app per chapter of the manuals, lowest layer first (DESIGN §2)
    *CHAPTER_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketplace.core.invalid_text.InvalidTextMiddleware",  # NUL, not UTF-8: 400 before anything
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "marketplace.core.outage.RedisOutageMiddleware",  # a 503, never a 500, if Redis is down
    # AxesMiddleware last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "marketplace.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# DATABASE_URL is set by the environment, or by `marketplace.core.embedded` which starts a private
# PostgreSQL (pgserver) under var/ when it is missing. There is no SQLite fallback on purpose:
# everything here relies on PostgreSQL (constraints, full-text search, row locks).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/marketplace")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker and result backend --------------------------------------------
# One Redis database per deployment: the database of REDIS_URL (0 when it names none) holds the
# cache (its keys start with CACHE_KEY_PREFIX), the broker's queues and the task results, unless
# CELERY_BROKER_URL / CELERY_RESULT_BACKEND name others (docker-compose.yml puts them in databases
# 1 and 2). So two deployments on one Redis server never share a queue as long as their REDIS_URLs
# name different databases. Clearing the cache deletes only its own keys, never the queues
# (marketplace.core.cache); do not FLUSHDB a database that holds a broker.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server, another logical database (TCP `redis://` or socket `unix://`)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query), db=str(db))
        return f"unix://{parts.path}?{urlencode(query)}"  # urlunsplit would drop the "//"
    return urlunsplit(parts._replace(path=f"/{db}"))


def celery_redis_url(url: str, *, broker: bool) -> str:
    """The same Redis server and database, spelled for Celery: redis-py spells a Unix socket
    `unix:///path?db=N`, Celery `redis+socket://…`, and kombu (the broker) reads the database of
    a socket URL from `virtual_host`, not `db`."""
    if not url.startswith("unix://"):
        return url
    url = "redis+socket://" + url[len("unix://") :]
    return (
        url.replace("?db=", "?virtual_host=").replace("&db=", "&virtual_host=") if broker else url
    )


# The cache degrades to misses while Redis is unreachable (marketplace.core.cache); the short
# socket timeouts bound what an outage adds to a request.
CACHES = {
    "default": {
        "BACKEND": "marketplace.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mp"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Sessions: in PostgreSQL, the cache in front (cached_db, see marketplace.core.sessions).
SESSION_ENGINE = "marketplace.core.sessions"

# --- Celery (DESIGN §6) -------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=celery_redis_url(REDIS_URL, broker=True))
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=celery_redis_url(REDIS_URL, broker=False)
)
# A task that a worker took but never acknowledged (the worker was killed) goes to another worker
# after the visibility timeout. It must be longer than any message is held unacknowledged: the
# hard time limit (CELERY_TASK_TIME_LIMIT, 300 s) plus the longest retry countdown (the retry
# policy's backoff cap, 300 s, marketplace.core.tasks); 900 s leaves a third spare, and a lost task
# comes back within about 15 minutes (Celery's default: an hour). Workers look for lost tasks every
# 10 s. Catalog bulk jobs may run longer, but claim their job once in the database, so a second
# delivery stops at once. Celery asks for the value in three places. docs/operations.md, "Celery".
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_throttle": 1,  # a sweep per 10 s interval (kombu's default: every 10th)
    "socket_connect_timeout": 2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Celery's default waits ~20 s for a result store that is down; a worker gives up sooner.
    "retry_policy": {
        "max_retries": 3,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 1,
    },
}
# Nothing reads task results: not storing them spares a Redis round trip (and, when Redis is
# down, a 20-second wait) on every `delay()`. A task that needs its result sets ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True

# --- Accounts, passwords and login security -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
EMAIL_VERIFICATION_MAX_AGE = env.int("EMAIL_VERIFICATION_MAX_AGE", default=60 * 60 * 24 * 3)
# API tokens (marketplace.accounts.models.ApiToken, decision 0009) expire this many days after
# they are issued; a new password or a disabled account revokes them at once.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)

# django-axes: failed logins are counted in the database (so lock-outs hold without Redis) and
# checked against three limits within the cool-off window (marketplace/accounts/lockout.py,
# decision 0009): failures of one account from one address, failures of one account from any
# address, and distinct accounts that failed from one address (spraying; accounts, not failures,
# so that a shared NAT stays open).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_ACCOUNT_LIMIT = env.int("LOGIN_LOCKOUT_ACCOUNT_LIMIT", default=10)
LOGIN_LOCKOUT_ADDRESS_LIMIT = env.int("LOGIN_LOCKOUT_ADDRESS_LIMIT", default=15)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "marketplace.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "marketplace.accounts.lockout.client_username"
AXES_LOCKOUT_CALLABLE = "marketplace.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True  # only the account-and-address count (LockoutHandler)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# The legal texts a user accepts at sign-up; bumping a version makes new acceptances record it.
LEGAL_DOCUMENTS = {
    "platform_agreement": env("PLATFORM_AGREEMENT_VERSION", default="2026-11-01"),
    "privacy_policy": env("PRIVACY_POLICY_VERSION", default="2026-11-01"),
}

# --- E-mail: console by default, SMTP (or any backend) from the environment -------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Marketplace <no-reply@marketplace.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages and time -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in this zone unless the user chose another one in the profile.
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security (production.py tightens the transport settings) ---------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts anywhere: every script is a file under static/. Inline styles are allowed
# because Django admin's widgets set a few style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "marketplace.accounts.api.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # They count in the process while Redis is down (marketplace.core.throttling).
        "marketplace.core.throttling.AnonRateThrottle",
        "marketplace.core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="1200/min"),
        "signup": env("API_THROTTLE_SIGNUP", default="20/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Marketplace API",
    "DESCRIPTION": "REST API for sellers, buyers and integrators. Errors share one shape: "
    '`{"error": {"code", "message", "fields": {field: [messages]}}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name for a choice set used by several fields (else drf-spectacular warns W001).
    "ENUM_NAME_OVERRIDES": {
        "ProvinceEnum": "logistics.api.serializers.PROVINCE_CODES",
        "ProductImageKindEnum": "catalog.models.products.ProductImage.Kind",
        "ProductImageStatusEnum": "catalog.models.products.ProductImage.Status",
        "ShipmentStateEnum": "logistics.models.Shipment.State",
        # Stock movements: every kind in answers, only what a seller may record in requests.
        "StockMovementKindEnum": "catalog.models.inventory.StockMovement.Kind",
        "StockMovementRecordKindEnum": "catalog.api.serializers.RECORDABLE_MOVEMENT_KINDS",
    },
}

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Orders (appended by the orders chapter) ----------------------------------------------------
# The payment provider checkouts use: "offline" (test mode, no network; the demo and the tests)
# or "stripe" (orders.payments.stripe). See orders/payments/__init__.py.
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="offline")
# A test deployment: the production settings accept the offline provider (whose page lets buyers
# confirm their own payments) and Stripe test keys only with TEST_DEPLOYMENT=true, and then every
# page and the admin carry a banner saying so (templates/includes/test_deployment_banner.html).
TEST_DEPLOYMENT = env.bool("TEST_DEPLOYMENT", default=False)

# Lost webhooks (orders.services.payment_repair): the provider is asked about payments pending
# this many minutes, and, while it cannot be reached, the unpaid timeout waits at most this many
# minutes past an order's deadline before cancelling it anyway.
ORDERS_PAYMENT_REPAIR_AFTER_MINUTES = env.int("ORDERS_PAYMENT_REPAIR_AFTER_MINUTES", default=5)
ORDERS_PAYMENT_REPAIR_GRACE_MINUTES = env.int("ORDERS_PAYMENT_REPAIR_GRACE_MINUTES", default=60)
# The cart badge in the storefront header (`cart_count`, at most one query, only when shown).
TEMPLATES[0]["OPTIONS"]["context_processors"].append("orders.context_processors.cart")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("catalog.context_processors.menu")

# --- Orders: the money side (appended by the orders chapter's ledger and Stripe work) ----------
# Stripe (orders/payments/stripe.py). Without STRIPE_SECRET_KEY nothing calls Stripe: checkouts
# use PAYMENT_PROVIDER ("offline" by default) and shops are not offered Connect onboarding.
# STRIPE_API_BASE changes the API's base address (tests point it at a local stand-in).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
if STRIPE_PUBLISHABLE_KEY:  # Stripe.js (Payment Element) and Connect onboarding pages
    _csp = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    _csp["script-src"] = [*_csp["script-src"], "https://js.stripe.com"]
    _csp["frame-src"] = [
        *_csp.get("frame-src", ["'self'"]),
        "https://js.stripe.com",
        "https://hooks.stripe.com",  # 3-D Secure and wallet confirmation frames
    ]
    _csp["connect-src"] = [*_csp["connect-src"], "https://api.stripe.com"]
    _csp["form-action"] = [*_csp["form-action"], "https://connect.stripe.com"]
# Commission: at least this much per paid order (a decimal string in the order's currency, or
# e.g. {"CNY": "1.00", "default": "0"} through code); rates come from categories and shop types.
ORDERS_COMMISSION_MINIMUM = env("ORDERS_COMMISSION_MINIMUM", default="1.00")
# Settlement statements: one per shop and currency for each "month" or "week".
ORDERS_STATEMENT_PERIOD = env("ORDERS_STATEMENT_PERIOD", default="month")

# --- Logistics: fulfilment, tracking, delivery SLAs (appended by the logistics chapter) ---------
# A paid order ships within this many hours, or its shop is alerted and its buyer told.
LOGISTICS_SHIP_WITHIN_HOURS = env.int("LOGISTICS_SHIP_WITHIN_HOURS", default=48)
# A parcel without a tracking update for this many hours raises the same alert.
LOGISTICS_TRACKING_STALL_HOURS = env.int("LOGISTICS_TRACKING_STALL_HOURS", default=72)
# The estimated delivery date shown to buyers: shipping day + these days (remote provinces more).
LOGISTICS_TRANSIT_DAYS = env.int("LOGISTICS_TRANSIT_DAYS", default=3)
LOGISTICS_REMOTE_TRANSIT_DAYS = env.int("LOGISTICS_REMOTE_TRANSIT_DAYS", default=6)
# The simulated carrier (demo, tests) moves each parcel one step this often.
LOGISTICS_SIMULATION_STEP_MINUTES = env.int("LOGISTICS_SIMULATION_STEP_MINUTES", default=10)
# The carriers a new shop starts with (codes of logistics/data/carriers_cn.json, the first its
# default), beside a standard shipping template (logistics.services.defaults); shops change both.
LOGISTICS_NEW_SHOP_CARRIERS = env.list(
    "LOGISTICS_NEW_SHOP_CARRIERS", default=["sf-express", "zto", "yto"]
)
# Receipt is confirmed automatically this many days after shipping when neither the carrier nor
# the buyer has (orders.tasks.confirm_overdue_receipts). Carriers' webhook secrets are read from
# LOGISTICS_WEBHOOK_SECRET_<ADAPTER> (e.g. LOGISTICS_WEBHOOK_SECRET_SF_EXPRESS) by logistics.
ORDERS_AUTO_CONFIRM_DAYS = env.int("ORDERS_AUTO_CONFIRM_DAYS", default=10)
