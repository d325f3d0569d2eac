#!/usr/bin/env bash
# The API's description tells the truth: schemathesis (every phase, stateful included, every check) against a portal
# started the README's way (`npm start`) on a free loopback port, a fresh DATA_DIR and a secretariat account, with
# that account's bearer token. Run by .ci/run after the tests; by hand: `.ci/schemathesis.sh` (README, "The API's
# description"). Environment: SCHEMATHESIS_MAX_TIME (seconds of fuzzing and stateful testing, default 600),
# SCHEMATHESIS_SEED (default fixed, so a CI run can be replayed; `random` for a new one each time).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.32.5
CACHE="${TAJROBE_CACHE:-/var/cache/tajrobe}"
VENV="$CACHE/schemathesis-$VERSION"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-600}"
SEED="${SCHEMATHESIS_SEED:-13}"
REPORTS="test-artifacts/schemathesis"
PYTHON="$(command -v python3.11 || command -v python3)"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "== schemathesis $VERSION into $VENV"
  mkdir -p "$CACHE"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
data_dir="$(mktemp -d "${TMPDIR:-/tmp}/tajrobe-schemathesis-XXXXXX")"
password="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(18))')"
base="http://127.0.0.1:$port"
mkdir -p "$REPORTS"
log="$REPORTS/portal.log"

echo "== a portal on $base (DATA_DIR $data_dir, log $log)"
# Its own process group, as an operator's terminal would start it, so that the stop reaches npm and node alike.
setsid env -i PATH="$PATH" HOME="${HOME:-/root}" NPM_CONFIG_UPDATE_NOTIFIER=false \
  DATA_DIR="$data_dir" PORT="$port" HOST=127.0.0.1 ADMIN_USERNAME=schemathesis ADMIN_PASSWORD="$password" LOG_LEVEL=warn \
  npm start >"$log" 2>&1 &
portal=$!

stop_portal() {
  if kill -0 "$portal" 2>/dev/null; then
    kill -TERM -- "-$portal" 2>/dev/null || true
    local waited=0
    while kill -0 "$portal" 2>/dev/null && [ "$waited" -lt 60 ]; do sleep 1; waited=$((waited + 1)); done
    if kill -0 "$portal" 2>/dev/null; then
      echo "the portal did not stop within 60 s; killing it" >&2
      kill -KILL -- "-$portal" 2>/dev/null || true
    fi
  fi
  wait "$portal" 2>/dev/null
  local code=$?
  rm -rf "$data_dir"
  return "$code"
}
trap 'stop_portal || true' EXIT

for _ in $(seq 1 120); do
  if curl -fsS "$base/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$portal" 2>/dev/null; then echo "the portal exited before it answered:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.5
done
curl -fsS "$base/healthz" >/dev/null

token="$(curl -fsS -X POST "$base/api/v1/tokens" -H 'Content-Type: application/json' \
  -d "{\"username\":\"schemathesis\",\"password\":\"$password\"}" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

seed_option=(--seed "$SEED")
if [ "$SEED" = random ]; then seed_option=(); fi

echo "== schemathesis $VERSION: every phase, every check, $MAX_TIME s of fuzzing and stateful testing"
status=0
PYTHONPATH="$PWD/.ci/schemathesis" "$VENV/bin/schemathesis" --no-color --config-file .ci/schemathesis/schemathesis.toml run \
  "$base/api/openapi.yaml" --url "$base" \
  -H "Authorization: Bearer $token" \
  --phases examples,coverage,fuzzing,stateful --checks all \
  --max-time "$MAX_TIME" "${seed_option[@]}" --workers 1 \
  --report junit,ndjson,har --report-dir "$REPORTS" "$@" || status=$?

trap - EXIT
echo "== stopping the portal"
if ! stop_portal; then
  echo "the portal did not stop cleanly (see $log)" >&2
  [ "$status" -ne 0 ] || status=1
fi
if grep -q '"level":"error"' "$log"; then
  echo "the portal logged errors during the run:" >&2
  grep '"level":"error"' "$log" | head -20 >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
