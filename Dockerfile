# syntax=docker/dockerfile:1
# The Tajrobe portal on Node 20 (TypeScript through tsx's loader), data in the /data volume.
#   docker build -t tajrobe .
#   docker run -p 3000:3000 -v tajrobe-data:/data tajrobe
# `docker stop` sends SIGTERM: the portal answers new requests 503, lets those in flight finish within
# SHUTDOWN_GRACE_SECONDS (30) and exits 0; give docker more than that (`docker stop -t 40`, or
# stop_grace_period in docker-compose.yml), or it kills the portal after its own 10 s.
# docker-compose.yml runs it with MinIO and Meilisearch.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- Dependencies: better-sqlite3 compiles here when no prebuilt binary fits ---------------------
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# tsx is a runtime dependency (its loader runs the TypeScript), so the dev tools can stay out.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- Runtime: the same base, without compilers ----------------------------------------------------
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app
# tini, as PID 1, reaps the extraction workers' orphans and hands `docker stop`'s SIGTERM to node,
# which is started directly: no npm, sh or tsx process stands between the signal and the portal.
# poppler-utils and tesseract (with Persian data) are the tools text extraction uses when present.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini poppler-utils tesseract-ocr tesseract-ocr-fas tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*
# The image's `node` user (uid 1000) owns only the data folder; the code stays read-only to it.
RUN mkdir -p /data && chown node:node /data
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "server/main.ts"]
