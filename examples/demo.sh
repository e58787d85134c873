#!/usr/bin/env bash
# The demo: validate the example organization (plan and apply against the sandbox follow).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/reconciler validate examples/org.yaml
