# The front desk: one image for the web server, the Celery worker and beat.
FROM python:3.13-slim

# WeasyPrint draws PDFs with Pango and subsets fonts with HarfBuzz; Noto CJK
# is the Chinese face of the printed forms; gettext compiles the translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=frontdesk.settings_production \
    FRONTDESK_VAR_DIR=/data \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that a code change does
# not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

COPY . .
# The key below only lets the production settings load for these two commands.
RUN pip install --no-deps . \
 && export SECRET_KEY=build-time-only-never-used-to-serve-0123456789abcdefghijkl \
 && python manage.py collectstatic --noinput \
 && if [ -d locale ]; then python manage.py compilemessages --ignore '.venv/*'; fi

RUN useradd --system --home-dir /app desk \
 && mkdir -p /data \
 && chown desk /data
USER desk
VOLUME ["/data"]
EXPOSE 8000

CMD ["gunicorn", "frontdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
