#!/usr/bin/env bash
# Checks that an exported run loads in Keras and predicts what tfjs predicts (docs/keras-export.md):
# trains tiny runs on the demo dataset, exports them, converts each to Keras and compares predictions.
# Usage: scripts/verify-keras-export.sh [python-with-tensorflow] [--no-converter]   (not part of npm test:
# it needs a Python with TensorFlow, and tensorflowjs for the converter step)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-${PYTHON:-python3}}"
shift || true
if ! "$PY" -c 'import tensorflow, numpy' 2>/dev/null; then
  echo "error: $PY cannot import tensorflow and numpy; e.g. python3 -m venv /tmp/kerasenv &&" >&2
  echo "  /tmp/kerasenv/bin/pip install tensorflow-cpu h5py tf-keras && /tmp/kerasenv/bin/pip install --no-deps tensorflowjs" >&2
  echo "  then: $0 /tmp/kerasenv/bin/python" >&2
  exit 2
fi
# tensorflowjs_converter is looked up on PATH, so the one beside this Python is used when present.
export PATH="$(dirname "$("$PY" -c 'import sys; print(sys.executable)')"):$PATH"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/keras-export-XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
npx tsx scripts/verify-keras-export.ts "$OUT/run"
"$PY" scripts/verify-keras-export.py "$OUT/run" "$@"
