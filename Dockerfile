# One image for web, worker and beat; docker-compose.yml picks the command for each.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

# Dependencies first, so editing the code does not reinstall them. Every package ships a
# manylinux wheel for x86_64, so no compiler is needed.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# The code stays root's; the app user may write only what it produces at start-up or at run
# time: collected static files, compiled translation catalogs (.mo) and uploaded media.
RUN mkdir -p /app/staticfiles /data/media \
    && chown -R app:app /app/staticfiles /app/locale /data/media

USER app

EXPOSE 8000

# docker-compose.yml's web command runs migrate, collectstatic and compile_catalogs first.
CMD ["gunicorn", "marketplace.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
