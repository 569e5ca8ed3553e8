# syntax=docker/dockerfile:1
# Images for the webhook gateway (docs/docker.md). Stages:
#   build    compiles the package and packs it exactly as npm publishes it (npm pack)
#   n8n      n8n with the package preinstalled as a private node (docker compose uses it)
#   gateway  the standalone gateway (the default target): production dependencies and dist only
# test/integration/docker-recipe.test.ts runs the npm install lines, and the gateway stage's CMD
# and HEALTHCHECK, outside a container, so the recipe is checked even where no image can be built.

ARG NODE_VERSION=24
ARG N8N_VERSION=2.41.1

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
	&& mkdir /pkg \
	&& npm pack --pack-destination /pkg \
	&& mv /pkg/*.tgz /pkg/webhook-gateway.tgz
# The n8n stage's custom-nodes folder, installed here: it needs neither npm nor root in n8n's image
# (the package's dependencies are plain JavaScript, as n8n requires of community packages).
RUN npm install --prefix /out/n8n-custom-nodes --omit=dev --omit=peer --ignore-scripts --no-audit --no-fund /pkg/webhook-gateway.tgz

# n8n loads every *.node.js / *.credentials.js below N8N_CUSTOM_EXTENSIONS (n8n's way for private
# nodes); outside /home/node/.n8n, so the data volume does not hide an upgraded package. n8n puts
# its own modules on NODE_PATH, so the package's peer dependency (n8n-workflow) is n8n's copy.
FROM n8nio/n8n:${N8N_VERSION} AS n8n
COPY --from=build /out/n8n-custom-nodes /opt/n8n-custom-nodes
ENV N8N_CUSTOM_EXTENSIONS=/opt/n8n-custom-nodes

FROM node:${NODE_VERSION}-bookworm-slim AS gateway
ENV NODE_ENV=production \
	WEBHOOK_GATEWAY_HOST=0.0.0.0 \
	WEBHOOK_GATEWAY_PORT=5680
COPY --from=build /pkg/webhook-gateway.tgz /pkg/webhook-gateway.tgz
RUN npm install --prefix /app --omit=dev --omit=peer --ignore-scripts --no-audit --no-fund /pkg/webhook-gateway.tgz \
	&& rm -r /pkg \
	&& npm cache clean --force
WORKDIR /app
# The image's unprivileged user; the files stay root's, so the process cannot change its own code.
USER node
EXPOSE 5680
# The gateway drains on SIGTERM: stops accepting, finishes requests in flight (at most 10 s), exits 0.
# Give it more than that before SIGKILL (compose: stop_grace_period; Kubernetes: terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# Ready = Redis reachable with settings that keep accepted events (AOF, noeviction).
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
	CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WEBHOOK_GATEWAY_PORT||5680)+'/readyz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (the CLI handles SIGTERM and SIGINT).
CMD ["node", "/app/node_modules/n8n-nodes-webhook-gateway/bin/webhook-gateway.js", "serve"]
