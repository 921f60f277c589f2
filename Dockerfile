FROM node:24-bookworm-slim
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
