#!/usr/bin/env bash
# Runs each attack of bench/attacks/attack.ts against a fresh server started from CHECKOUT
# (default: this repository) on loopback PORT (default 8081), one after another, and prints
# one JSON line per attack. Stops each server afterwards.
#   bench/attacks/run.sh                     # this checkout (compiled server, npm run build first)
#   CHECKOUT=../before bench/attacks/run.sh  # another checkout, started with tsx
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
checkout="${CHECKOUT:-$here}"
port="${PORT:-8081}"
ulimit -n "$(ulimit -Hn)"
for attack in ${ATTACKS:-stalled connections rooms held large}; do
  if [ -f "$checkout/dist/node/server/main.js" ] && [ "$checkout" = "$here" ]; then
    (cd "$checkout" && PORT="$port" LOG_LEVEL=warn exec node dist/node/server/main.js) >/dev/null 2>&1 &
  else
    (cd "$checkout" && PORT="$port" LOG_LEVEL=warn exec node --import tsx server/main.ts) >/dev/null 2>&1 &
  fi
  server=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "{\"attack\":\"$attack\",\"crashed\":\"before start\"}"; continue 2; }
    sleep 0.2
  done
  (cd "$here" && npx tsx bench/attacks/attack.ts --attack "$attack" --port "$port" --pid "$server") || echo "{\"attack\":\"$attack\",\"failed\":true}"
  kill -0 "$server" 2>/dev/null || echo "{\"attack\":\"$attack\",\"serverDied\":true}"
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done
