# syntax=docker/dockerfile:1
# Quarry: one image for every process (`api`, `worker`, `migrate`, `sim`, ...); the command picks it.
# TypeScript runs through tsx at start-up, so the server needs no build step: the image is the
# sources, their production dependencies and the dashboard's built assets. Node is the current LTS
# release, the one CI runs the suite on besides the oldest supported (.ci/run, NODE_LTS_VERSION).

FROM node:26-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts run only for the packages that package.json's `allowScripts` approves (esbuild's and
# @swc/core's binary checks, protobufjs, ...): npm installs with every script off, then rebuilds
# exactly that list, which is read from package.json so there is one list to maintain.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild $(node -p "Object.entries(require('./package.json').allowScripts ?? {}).filter(([, allowed]) => allowed).map(([name]) => name).join(' ')") \
  && npm cache clean --force

# The dashboard is a Vite build (its tools are dev dependencies, so they stay out of the final image).
FROM node:26-bookworm-slim AS dashboard
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npm rebuild $(node -p "Object.entries(require('./package.json').allowScripts ?? {}).filter(([, allowed]) => allowed).map(([name]) => name).join(' ')")
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build:dashboard

FROM node:26-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY --from=dashboard /app/src/dashboard/dist ./src/dashboard/dist

# The image's own unprivileged user; the sources stay root-owned and read-only to it.
USER node

EXPOSE 3000
# Only the API answers /health. Worker and migrate containers switch this off (docker-compose.yml).
# fetch is Node's own, so the slim image needs no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["node", "bin/quarry.js"]
CMD ["api"]
