#!/usr/bin/env bash
# code-server-as-code.sh: a `code` executable for @vscode/test-electron's runTests({ vscodeExecutablePath }) that runs
# the extension tests in code-server + headless chromium (installed by scripts/setup-editor.sh) and exits with their
# result: 0 passed, 1 failed, 2 harness error or timeout. See test/e2e/harness/runExtensionTests.mjs for the arguments.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
exec node "$ROOT/test/e2e/harness/runExtensionTests.mjs" "$@"
