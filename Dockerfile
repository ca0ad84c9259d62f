# Achilles Coach: the bot in a container (docs/operations.md, "Deploy with compose").
# deploy/check-image-steps.sh runs the same steps without a Docker engine (CI runs it).

# ---- build: the venv, from the lock file only (hashes checked), then the project ----------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /src/requirements.lock
RUN /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /src/requirements.lock
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY service_layer /src/service_layer
COPY scheduler /src/scheduler
COPY storage /src/storage
COPY rehab /src/rehab
RUN /opt/venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation /src
# matplotlib's font cache, built once here instead of on the first chart a person asks for.
ENV MPLCONFIGDIR=/opt/mplconfig
RUN mkdir -p "$MPLCONFIGDIR" && /opt/venv/bin/python -c "import matplotlib.pyplot" \
    && chmod -R a+rX "$MPLCONFIGDIR"

# ---- run: the venv and the font cache, a user without a shell or privileges ----------------
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/achilles-coach --create-home \
        --shell /usr/sbin/nologin achilles
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/mplconfig /opt/mplconfig
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/opt/mplconfig \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    DATABASE_URL=sqlite+aiosqlite:////var/lib/achilles-coach/achilles-coach.db
USER achilles
WORKDIR /var/lib/achilles-coach
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
# SIGTERM: the update in hand is finished, queued ones wait in the inbox (stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["achilles-coach", "run"]
