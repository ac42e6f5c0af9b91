# Slim, non-root image for the API and the worker (the compose file runs both against Redis).
FROM python:3.11-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY stancewire stancewire
COPY service service
COPY workers workers
COPY training training
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -e .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 stance
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=root:root . /app
RUN /venv/bin/pip install --no-cache-dir --no-deps -e . && chmod -R a-w /app/models
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PORT=8000
USER stance
EXPOSE 8000
# API by default; the worker runs `celery -A workers.entry worker` (see compose.yaml).
CMD ["sh", "-c", "gunicorn --bind 0.0.0.0:${PORT} --workers 2 --worker-class gthread --threads 16 service.wsgi:app"]
