# jira-mcp-gateway: stdio by default; MCP_TRANSPORT=http (with MCP_AUTH_TOKEN) serves HTTP.
FROM python:3.11-slim

# make is the one way the project is installed; nothing else is added to the base image.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
WORKDIR /app
COPY --chown=app:app pyproject.toml README.md Makefile ./
COPY --chown=app:app server ./server
COPY --chown=app:app tools ./tools
COPY --chown=app:app sandbox ./sandbox

USER app
# make install-team: the serving dependencies (as `make run`) and Redis's client for replicas
# sharing one Jira budget (REDIS_URL); no test tooling in the image.
RUN make install-team

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    MCP_TRANSPORT=stdio \
    MCP_HOST=0.0.0.0 \
    MCP_PORT=8765
EXPOSE 8765

# Healthy over stdio (nothing to probe), or when /healthz answers in HTTP mode, chosen by flags
# (`serve --transport http --port 9000`) or by MCP_TRANSPORT/MCP_PORT: the server leaves a
# record of what it serves in /tmp for this check (server/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-m", "server.healthcheck"]

ENTRYPOINT ["jira-mcp-gateway"]
CMD ["serve"]
