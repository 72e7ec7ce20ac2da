#!/usr/bin/env bash
# Run the job worker in the background and the web server in the foreground; stop both together.
set -euo pipefail
host="$1"; port="$2"
bin=.venv/bin
mkdir -p var
"$bin/peelian" worker > var/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
"$bin/peelian" serve --host "$host" --port "$port" > var/server.log 2>&1 &
server=$!
trap 'kill "$server" "$worker" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 60); do
  if curl -fsS "http://$host:$port/readyz" > /dev/null 2>&1; then break; fi
  sleep 0.5
done
echo
echo "Peelian demo is running (logs in var/server.log and var/worker.log). Ctrl-C stops it."
echo "  Public start page:  http://$host:$port/"
echo "  Staff sign-in:      http://$host:$port/login"
echo "  API (OpenAPI 3.1):  http://$host:$port/docs"
echo "  Health:             http://$host:$port/healthz  http://$host:$port/readyz  http://$host:$port/metrics"
echo
"$bin/peelian" demo logins
wait "$server"
