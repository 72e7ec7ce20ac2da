#!/usr/bin/env bash
# Fresh-clone test of the two commands: clone this repo, run `make demo` in the background,
# wait for /readyz, sign in with a printed demo login (a citizen by password, an officer with
# password and TOTP), check the audit chain, then stop everything.
set -euo pipefail
src=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
port=${PORT:-8765}
trap 'kill -- -"$demo_pid" 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT

git clone -q "$src" "$work/peelian"
cd "$work/peelian"
setsid make demo PORT="$port" > demo.log 2>&1 &
demo_pid=$!

for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$port/readyz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$demo_pid" 2>/dev/null; then echo "make demo exited early:"; cat demo.log; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz" > /dev/null || { echo "demo never became ready"; cat demo.log; exit 1; }
for _ in $(seq 1 30); do grep -q "Demo logins" demo.log && break; sleep 1; done
grep -q "http://127.0.0.1:$port/login" demo.log || { echo "URLs not printed"; cat demo.log; exit 1; }

.venv/bin/python - "$port" <<'PY'
import json, subprocess, sys
import httpx2 as httpx

base = f"http://127.0.0.1:{sys.argv[1]}"
logins = json.load(open("var/demo_logins.json"))
r = httpx.post(base + "/api/v1/auth/token", json={"username": "citizen", "password": logins["citizen"]["password"]})
assert r.status_code == 200, r.text
code = subprocess.run([".venv/bin/peelian", "users", "totp", "officer"], capture_output=True, text=True, check=True).stdout.strip()
r = httpx.post(base + "/api/v1/auth/token", json={"username": "officer", "password": logins["officer"]["password"], "totp": code})
assert r.status_code == 200, r.text
me = httpx.get(base + "/api/v1/me", headers={"Authorization": "Bearer " + r.json()["access_token"]}).json()
assert me["role"] == "officer", me
print("fresh clone: make demo served, demo officer and citizen signed in")
PY
.venv/bin/peelian audit verify
echo "fresh-clone check passed"
