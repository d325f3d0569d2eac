# shellcheck shell=bash
# Starts a throwaway MinIO server on 127.0.0.1 for the storage contract tests, building the pinned
# release once into a cache. Source it (`source .ci/minio.sh`); it exports MINIO_ENDPOINT,
# MINIO_ACCESS_KEY, MINIO_SECRET_KEY and MINIO_BUCKET, and defines minio_stop for a trap:
#   trap minio_stop EXIT

if ! (return 0 2>/dev/null); then
  echo "usage: source ${BASH_SOURCE[0]}   (running it would lose the exported variables)" >&2
  exit 2
fi

# github.com/minio/minio@latest, resolved on 2026-11-29.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_CACHE_DIR="${TAJROBE_CACHE:-/var/cache/tajrobe}/minio-$MINIO_VERSION"
MINIO_HEALTH_TIMEOUT_SECONDS=60

minio_install() {
  [ -x "$MINIO_CACHE_DIR/minio" ] && return 0
  if ! command -v go >/dev/null; then
    echo "minio.sh: $MINIO_CACHE_DIR/minio is missing and go is not installed to build it" >&2
    return 1
  fi
  echo "minio.sh: building minio $MINIO_VERSION into $MINIO_CACHE_DIR (about 4 minutes)" >&2
  mkdir -p "$MINIO_CACHE_DIR" &&
    GOBIN="$MINIO_CACHE_DIR" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install "github.com/minio/minio@$MINIO_VERSION"
}

minio_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the first port from $1 upwards that nothing on 127.0.0.1 listens on.
minio_free_port() {
  local port=$1
  while minio_port_in_use "$port"; do
    port=$((port + 1))
    if [ "$port" -gt 65535 ]; then
      echo "minio.sh: no free port from $1 up" >&2
      return 1
    fi
  done
  echo "$port"
}

minio_is_live() {
  local url="http://127.0.0.1:$1/minio/health/live"
  if command -v curl >/dev/null; then
    curl -sf -o /dev/null --max-time 2 "$url"
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url"
  fi
}

# Prints $1 random bytes as hex.
minio_random_hex() {
  od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

minio_start() {
  minio_install || return 1

  MINIO_TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tajrobe-minio.XXXXXX") || return 1
  local api_port console_port
  # A random base keeps parallel jobs on one machine from racing for the same port.
  api_port=$(minio_free_port $((19000 + RANDOM % 500 * 2))) || return 1
  console_port=$(minio_free_port $((api_port + 1))) || return 1
  local access_key secret_key
  # MinIO wants 3-20 characters of access key and 8-40 of secret key.
  access_key="tajrobe-$(minio_random_hex 4)"
  secret_key=$(minio_random_hex 16)

  MINIO_ROOT_USER="$access_key" MINIO_ROOT_PASSWORD="$secret_key" \
    "$MINIO_CACHE_DIR/minio" server "$MINIO_TMP_DIR/data" \
    --address "127.0.0.1:$api_port" --console-address "127.0.0.1:$console_port" \
    >"$MINIO_TMP_DIR/minio.log" 2>&1 &
  MINIO_PID=$!

  local waited=0
  until minio_is_live "$api_port"; do
    local problem=''
    if ! kill -0 "$MINIO_PID" 2>/dev/null; then
      problem="exited after ${waited}s"
    elif [ "$waited" -ge "$MINIO_HEALTH_TIMEOUT_SECONDS" ]; then
      problem="was not live on 127.0.0.1:$api_port within ${waited}s"
    fi
    if [ -n "$problem" ]; then
      echo "minio.sh: MinIO $problem; its log:" >&2
      cat "$MINIO_TMP_DIR/minio.log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done

  export MINIO_ENDPOINT="http://127.0.0.1:$api_port"
  export MINIO_ACCESS_KEY="$access_key"
  export MINIO_SECRET_KEY="$secret_key"
  export MINIO_BUCKET=tajrobe-ci
  echo "minio.sh: MinIO $MINIO_VERSION live at $MINIO_ENDPOINT (console 127.0.0.1:$console_port, pid $MINIO_PID, log $MINIO_TMP_DIR/minio.log)" >&2
}

# Stops the server and removes its data; safe to call twice, after a failed start, and under set -e.
minio_stop() {
  if [ -n "${MINIO_PID:-}" ] && kill -0 "$MINIO_PID" 2>/dev/null; then
    kill "$MINIO_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$MINIO_PID" 2>/dev/null && [ "$waited" -lt 20 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    kill -9 "$MINIO_PID" 2>/dev/null || true
    # Reaps the server when this shell started it; harmless otherwise.
    wait "$MINIO_PID" 2>/dev/null || true
  fi
  if [ -n "${MINIO_TMP_DIR:-}" ]; then
    rm -rf "$MINIO_TMP_DIR"
  fi
  unset MINIO_PID MINIO_TMP_DIR MINIO_ENDPOINT MINIO_ACCESS_KEY MINIO_SECRET_KEY MINIO_BUCKET
  return 0
}

if ! minio_start; then
  minio_stop
  return 1
fi
