# syntax=docker/dockerfile:1

# Node 24 LTS, supported until April 2028: Node 20 has reached its end of life, and 22 reaches
# its own in April 2027.
# ---- build: compile TypeScript with the full (dev) dependency set ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and compiled output only ----
FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing in the production tree needs one, and it keeps the image reproducible.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# The official image ships an unprivileged `node` user; the app never writes to /app.
USER node
EXPOSE 8000
# Liveness only (/health): readiness of MySQL/Redis/RabbitMQ is the orchestrator's /ready probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` would rebuild (prestart) and put npm between the signal and the process: run node directly.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=8", "dist/main.js"]
