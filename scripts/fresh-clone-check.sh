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

# Fingerprint search with the printed demo probes, as a fingerprint examiner.
import base64, pathlib, re, time
probes = json.load(open("var/demo/probes/probes.json"))
code = subprocess.run([".venv/bin/peelian", "users", "totp", "examiner"], capture_output=True, text=True, check=True).stdout.strip()
r = httpx.post(base + "/api/v1/auth/token", json={"username": "examiner", "password": logins["examiner"]["password"], "totp": code})
assert r.status_code == 200, r.text
auth = {"Authorization": "Bearer " + r.json()["access_token"]}
for band, want in (("red", "RED"), ("green", "GREEN")):
    fingers = [
        {"position": int(re.search(r"_finger_(\d+)_", f).group(1)), "image_b64": base64.b64encode(pathlib.Path(f).read_bytes()).decode()}
        for f in probes[band]["files"]
    ]
    body = {"fingers": fingers, "power": "pace-s61-6a", "reason": "name-unknown", "offence": "fresh-clone check"}
    for _ in range(120):  # the gallery loads in the background after start-up (503 meanwhile)
        r = httpx.post(base + "/api/v1/biometrics/searches", json=body, headers=auth, timeout=120)
        if r.status_code != 503:
            break
        time.sleep(1)
    assert r.status_code == 200 and r.json()["outcome"] == want, (band, r.status_code, r.text)
    print(f"fresh clone: demo {band} probe answered {want} in {r.json()['elapsed_ms']} ms")
PY
.venv/bin/peelian audit verify
echo "fresh-clone check passed"
