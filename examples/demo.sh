#!/usr/bin/env bash
# The demo: validate the example organization, then plan and apply it against a fresh sandbox,
# and show that the follow-up plan is empty. Sandbox state and created keys live under the
# gitignored .sandbox/ directory and are recreated on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
R=.venv/bin/reconciler
DEMO=.sandbox/demo
rm -rf "$DEMO"
mkdir -p "$DEMO"
chmod 700 "$DEMO"
STATE="$DEMO/state.json"

echo "== validate"
$R validate examples/org.yaml

echo "== plan (the archive of legacy-chatbot is irreversible, so it needs --allow-archive)"
$R plan examples/org.yaml --sandbox --sandbox-state "$STATE" --allow-archive

echo "== apply"
$R apply examples/org.yaml --sandbox --sandbox-state "$STATE" \
  --auto-approve --allow-archive --secrets-dir "$DEMO/keys"
echo "(service-account keys were written to $DEMO/keys, mode 0600)"

echo "== follow-up plan (expected: no changes)"
$R plan examples/org.yaml --sandbox --sandbox-state "$STATE" --detailed-exitcode
