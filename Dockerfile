# Honne on a real PostgreSQL: set DATABASE_URL and SECRET (the embedded database is for
# trying Honne out and for development, not for containers).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# Two malloc arenas: Node's worker threads otherwise each fragment their own (100+ MB of RSS in a report batch);
# blocks of 128 KiB and more mapped on their own and freed memory trimmed, so rendered PDFs and charts give memory back.
ENV PORT=3000 HOST=0.0.0.0 DATA_DIR=/app/data MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY server ./server
COPY views ./views
COPY surveys ./surveys
COPY migrations ./migrations
COPY scripts ./scripts
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
