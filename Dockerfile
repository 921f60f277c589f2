# Node.js 24, an LTS line (maintenance, security fixes until April 2028) that every dependency
# supports; package.json "engines" says which versions modgate supports. Node 26 (active LTS since
# October 2026) after the test suite has run on it: --build-arg NODE_MAJOR=26.
ARG NODE_MAJOR=24
FROM node:${NODE_MAJOR}-bookworm-slim
# git: private origins are mirrored with it; ca-certificates: HTTPS to git hosts and the upstream.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# The lock file holds every platform's packages: install exactly what it records.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev \
 && mkdir -p /var/lib/modgate && chown node:node /var/lib/modgate
ENV NODE_ENV=production \
    MODGATE_LISTEN=0.0.0.0:8443 \
    MODGATE_DATA_DIR=/var/lib/modgate
# uid 1000 (the image's `node` user): the Kubernetes manifests run as this uid.
USER node
EXPOSE 8443
CMD ["node", "dist/apps/modgate/src/main.js"]
