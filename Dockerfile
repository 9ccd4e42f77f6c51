# syntax=docker/dockerfile:1

FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles its native addon when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# `prepare` finds no src/ yet and builds nothing: the build comes after the sources.
RUN npm ci
COPY tsconfig.json tsconfig.build.json tsconfig.dashboard.json ./
COPY src ./src
COPY dashboard-ui ./dashboard-ui
RUN npm run build \
 && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# DATA_DIR for the embedded stores, writable by the unprivileged user (the default, ./data, would be under /app,
# which is root's: a `docker run` without DATA_DIR could not start). Mount a volume there to keep the log.
ENV DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
