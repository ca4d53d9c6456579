# lambda-gateway on Node 24 (it runs the TypeScript sources directly, no build step).
# Untested: written without Docker at hand (see README, "Going to production").
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only; the image's Node 24 replaces the npm-pinned one.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY src ./src
ENV PORT=8000 NODE_ENV=production
EXPOSE 8000
USER node
# Mount the config at /config/kong.yml (or pass --config elsewhere).
CMD ["node", "src/node.ts", "--config", "/config/kong.yml"]
