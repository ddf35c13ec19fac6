# One image for every process: each nameko service and the gateway.
#   service:  python -m shared.run <service>
#   gateway:  gunicorn -c gateway/gunicorn_conf.py gateway.wsgi:app   (the default)
# All configuration comes from environment variables (shared/config.py).
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY shared/ shared/
COPY services/ services/
COPY gateway/ gateway/
COPY scripts/ scripts/

# A numeric non-root user, so Kubernetes can verify runAsNonRoot.
RUN useradd --system --no-create-home --uid 10001 hongyi
USER 10001

# In a container the gateway must listen on every interface, not loopback.
ENV PORT=8000 \
    GATEWAY_HOST=0.0.0.0
EXPOSE 8000
CMD ["gunicorn", "-c", "gateway/gunicorn_conf.py", "gateway.wsgi:app"]

# The staff console (console/), built with the pinned Node packages; only its
# output goes into the image, which holds no Node.js.
FROM node:20-bookworm-slim AS console
WORKDIR /console
COPY console/package.json console/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY console/build.mjs ./
COPY console/src/ src/
RUN CONSOLE_OUT=/console/dist node build.mjs

# The image: the runtime above with the console the gateway serves at /console/.
FROM runtime
COPY --from=console /console/dist/ gateway/static/console/
