#!/usr/bin/env bash
# The demo, as a story: validate the example organization; plan it against a fresh sandbox (every
# kind of change); apply it; show that the follow-up plan is empty; change a role out of band, as
# someone would in the dashboard; show that `reconciler drift` reports it and who did it; then
# the governance reports: cost and usage, API-key hygiene, and an access review.
# Sandbox state, created keys and the apply log live under the gitignored .sandbox/demo/ and are
# recreated on every run. RECONCILER (the executable) and DEMO_DIR can be overridden (the tests do).
set -euo pipefail
cd "$(dirname "$0")/.."
R=${RECONCILER:-.venv/bin/reconciler}
DEMO=${DEMO_DIR:-.sandbox/demo}
CONFIG=examples/org.yaml
TEAMS=examples/teams.yaml
rm -rf "$DEMO"
mkdir -p "$DEMO"
chmod 700 "$DEMO"
STATE="$DEMO/state.json"
SANDBOX=(--sandbox --sandbox-state "$STATE")

step() { printf '\n== %s\n' "$*"; }
# The id of the object named NAME in the list at PATH (the sandbox answers JSON).
id_of() {
  $R sandbox exec get "$1" --state "$STATE" | "${PYTHON:-.venv/bin/python}" -c \
    'import json, sys; print(next(o["id"] for o in json.load(sys.stdin)["data"] if o["name"] == sys.argv[1]))' "$2"
}

step "1. validate $CONFIG (offline, no API key)"
$R validate "$CONFIG"

step "2. someone already invited judy@example.com in the dashboard, as owner (the file says reader)"
$R sandbox exec post /organization/invites --state "$STATE" --as alice@example.com \
  --data '{"email": "judy@example.com", "role": "owner"}' >/dev/null
echo "(an invite cannot be updated, so the plan below replaces it: -/+)"

step "3. plan: create +, update ~, delete -, replace -/+, archive ! (archiving needs --allow-archive)"
$R plan "$CONFIG" "${SANDBOX[@]}" --allow-archive

step "4. apply (the full log is in $DEMO/apply.log)"
if ! $R apply "$CONFIG" "${SANDBOX[@]}" --auto-approve --allow-archive \
  --secrets-dir "$DEMO/keys" >"$DEMO/apply.log" 2>&1; then
  cat "$DEMO/apply.log"
  exit 1
fi
grep '^Apply:' "$DEMO/apply.log"
echo "(service-account keys were written to $DEMO/keys, mode 0600; never printed)"

step "5. follow-up plan (expected: no changes, exit 0 with --detailed-exitcode)"
$R plan "$CONFIG" "${SANDBOX[@]}" --detailed-exitcode

step "6. drift made out of band: alice makes bob@example.com an owner in the dashboard"
$R sandbox set-role bob@example.com owner --as alice@example.com --state "$STATE"

step "7. drift: what differs from the file, and who changed it (exit 2: drifted)"
rc=0
$R drift "$CONFIG" "${SANDBOX[@]}" || rc=$?
if [ "$rc" -ne 2 ]; then
  echo "demo: expected drift to exit 2, got $rc" >&2
  exit 1
fi

step "8. access by team: $TEAMS adds two teams (one SCIM-managed), a custom role, project access by group"
$R plan "$TEAMS" "${SANDBOX[@]}"
$R apply "$TEAMS" "${SANDBOX[@]}" --auto-approve >"$DEMO/teams.log" 2>&1 || { cat "$DEMO/teams.log"; exit 1; }
grep '^Apply:' "$DEMO/teams.log"
$R plan "$TEAMS" "${SANDBOX[@]}" --detailed-exitcode

step "9. alice grants the finance group ownership of research in the dashboard; drift says who"
group=$(id_of /organization/groups finance)
project=$(id_of /organization/projects research)
owner=$(id_of "/projects/$project/roles" owner)
$R sandbox exec post "/organization/projects/$project/groups" --state "$STATE" --as alice@example.com \
  --data "{\"group_id\": \"$group\", \"role\": \"$owner\"}" >/dev/null
rc=0
$R drift "$TEAMS" "${SANDBOX[@]}" || rc=$?
if [ "$rc" -ne 2 ]; then
  echo "demo: expected drift to exit 2, got $rc" >&2
  exit 1
fi

step "10. report usage: the last 7 days' cost (as invoiced) and usage, by project (exit 2: a spike)"
rc=0
$R report usage "${SANDBOX[@]}" --since 7d || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "demo: expected report usage to exit 0 or 2, got $rc" >&2
  exit 1
fi

step "11. report keys: every project API key, its owner, age and last use, and the policy it breaks"
rc=0
$R report keys "$CONFIG" "${SANDBOX[@]}" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "demo: expected report keys to exit 0 or 2, got $rc" >&2
  exit 1
fi

step "12. access review: every principal per scope, and the config line that grants it (CSV: $DEMO/access.csv)"
$R report access "$CONFIG" "${SANDBOX[@]}" --format csv >"$DEMO/access.csv"
grep -E '^# (read_at|digest)|^principal,|,undeclared,.*,direct.?$' "$DEMO/access.csv"
echo "($(grep -c ',group ' "$DEMO/access.csv") rows of access through groups, which $CONFIG does not declare: see the CSV)"

step "done"
echo "The next apply would put bob back to reader. eve, trent and the Default project count as"
echo "drift too: present but not in the file (declare them to adopt them). State: $STATE"
