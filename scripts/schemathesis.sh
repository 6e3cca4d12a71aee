#!/usr/bin/env bash
# The API contract check: starts a fresh engine (`switchboard dev` on free ports, a
# temporary data dir, a bootstrap admin key) and runs Schemathesis with every check
# against its /openapi.json: examples, coverage, fuzzing and stateful phases (the
# document's OpenAPI links let it create resources and reuse their ids). Fails on any
# failure. ST_MAX_EXAMPLES bounds the cases per operation (default 10: a few minutes);
# ST_SEED fixes the generated cases (default 1, so CI is reproducible: another seed explores
# other cases), on one worker so the order is the seed's.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project-pinned Node (devDependency `node`) first, as npm scripts have it.
export PATH="$PWD/node_modules/.bin:$PATH"

command -v st >/dev/null || { echo "schemathesis is not installed: pip install schemathesis==4.32.5" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
TEMPORAL_PORT=$(free_port)
UI_PORT=$(free_port)
DATA_DIR=$(mktemp -d -t switchboard-st.XXXXXX)
KEY="st-admin-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
LOG="$DATA_DIR/server.log"

PORT=$PORT TEMPORAL_UI_PORT=$UI_PORT SWITCHBOARD_DATA_DIR=$DATA_DIR SWITCHBOARD_API_KEY=$KEY LOG_LEVEL=warn \
  node bin/switchboard.mjs dev --temporal-port "$TEMPORAL_PORT" >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
  status=$?
  # On failure, the server's errors help to read Schemathesis' report.
  if [ "$status" -ne 0 ] && [ -f "$LOG" ]; then echo "--- server log (errors) ---" >&2; grep -iE '"level":(50|60)|error' "$LOG" | tail -n 40 >&2 || true; fi
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then cat "$LOG" >&2; echo "the server did not start" >&2; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$LOG" >&2; echo "the server is not ready after 120 s" >&2; exit 1; }

st --config-file scripts/schemathesis.toml run "http://127.0.0.1:$PORT/openapi.json" \
  --checks all \
  -H "Authorization: Bearer $KEY" \
  --max-examples "${ST_MAX_EXAMPLES:-10}" \
  --workers 1 \
  --seed "${ST_SEED:-1}" \
  --generation-database none \
  --no-color \
  "$@"
