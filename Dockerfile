# Tally's container image: the API served by gunicorn (`tally serve`), with the
# database migrations applied just before the server starts.
#
#   docker build -t tally .
#   docker run --rm -p 127.0.0.1:8000:8000 -e DATABASE_URL=postgresql://... tally
#
# docker-compose.yml runs it beside a PostgreSQL 16 server. Without DATABASE_URL
# the container starts Tally's embedded PostgreSQL in TALLY_PGDATA: handy for a
# look around, but that data goes away with the container.

# --- build: the wheel, from the sources that .dockerignore lets through -------
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /src
COPY . .
RUN pip wheel --no-deps --wheel-dir /wheels .

# --- runtime: the wheel and its dependencies, no development tools ------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

# An unprivileged user with a fixed uid, so that orchestrators enforcing
# "run as non-root" can check it.
RUN groupadd --system --gid 10001 tally \
 && useradd --system --uid 10001 --gid tally --create-home --home-dir /home/tally \
        --shell /usr/sbin/nologin tally

# `pip install .` done in two steps: the wheel built above, installed with its
# runtime dependencies only (not the `test` extra).
COPY --from=build /wheels/ /tmp/wheels/
RUN pip install /tmp/wheels/*.whl \
 && rm -rf /tmp/wheels

# Listen on every interface of the container (Tally's own default is 127.0.0.1,
# which would not be reachable through a published port). HOME must be
# writable: gunicorn puts its control socket under it.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    HOME=/home/tally \
    TALLY_PGDATA=/home/tally/pgdata

USER 10001:10001
WORKDIR /home/tally
EXPOSE 8000

# Liveness only: /healthz answers without touching the database. Python rather
# than curl, which the slim image does not have.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

# Migrations first (safe when several containers start at once: they take a
# lock), then `exec`, so that gunicorn replaces the shell as PID 1 and gets
# SIGTERM from `docker stop` directly, which it answers with a graceful
# shutdown. Give the container more than gunicorn's 20 s graceful timeout to
# stop (`docker stop -t 30`, or stop_grace_period in Compose).
CMD ["sh", "-c", "tally db upgrade && exec tally serve"]
