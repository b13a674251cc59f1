#!/usr/bin/env bash
# npm test: everything CI checks, on a machine that may have nothing installed (root, no stdin).
#   setup        node_modules (npm ci) if missing; apt packages, Node 24 and code-server if missing (.vscode-test/)
#   lint         eslint --max-warnings 0
#   typecheck    tsc --noEmit
#   build        dist/ (extension + CLI bundles) and out/ (tests transpiled 1:1)
#   unit         mocha over out/test/unit in plain Node
#   integration  mocha over out/test/integration inside a real VS Code (code-server + Chromium)
#   launch-dialog  the launch-configuration check's modal dialog in a normal workbench window
#   japanese     the extension with the display language set to Japanese (Ports view, quick pick, status bar, walkthrough)
#   package      npm run package (production build + vsce package) into .vscode-test/
#   vsix         installs that .vsix into the test VS Code and runs the package suite against it
# Every step runs even when an earlier one failed, except steps whose inputs are missing (no build -> no tests,
# no setup -> no integration), which count as failed. The last line is "N passed, N failed": tests counted from
# mocha's "N passing"/"N failing" over unit + integration + vsix; a failed step that reported no failing test
# (lint, typecheck, a crashed run, ...) adds 1 to "failed", so a red run never prints "0 failed".
# Skips: every test that cannot run here says why ("(skipped: …)", printed by skipUnless in
# test/unit/support/skip.ts). With CI=true the machine is set up to run every test of its platform, so
# a skip for a missing tool or kernel feature (no nft, no ss, no trusted cat, kernel < 6.2, …) fails
# that test instead; only another platform's tests (Windows on Linux) still skip. The summary lists
# the reasons of every skip of the run.
# Exit code: 0 only when every step passed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

LOGDIR="$(mktemp -d /tmp/pi-test-all-XXXXXX)"
trap 'rm -rf "$LOGDIR"' EXIT
passed=0 failed=0
declare -a summary=()
declare -A status=()

# run_step <name> <command...>: output goes to the terminal and to a log, so the mocha counts can be read from it.
run_step() {
  local name="$1"; shift
  local log="$LOGDIR/$name.log" start=$SECONDS rc=0
  echo
  echo "=== $name: $*"
  "$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  local secs=$((SECONDS - start))
  # spec reporter lines: "  12 passing (3s)", "  2 failing" (colour codes stripped in case of a tty)
  local clean p f
  clean="$(sed 's/\x1b\[[0-9;]*m//g' "$log")"
  p="$(grep -Eo '^ *[0-9]+ passing' <<<"$clean" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')"
  f="$(grep -Eo '^ *[0-9]+ failing' <<<"$clean" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')"
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  if [ "$rc" -eq 0 ]; then status[$name]=ok; else status[$name]=FAILED; fi
  summary+=("$(printf '%-12s %-7s %4ss' "$name" "${status[$name]}" "$secs")$([ "$((p + f))" -gt 0 ] && echo "  ($p passing, $f failing)")")
  return "$rc"
}
skip_step() { # skip_step <name> <reason>: a step that could not run counts as one failure
  echo; echo "=== $1: SKIPPED ($2)"
  status[$1]=SKIPPED; failed=$((failed + 1)); summary+=("$(printf '%-12s %-7s' "$1" SKIPPED)  ($2)")
}

setup() {
  if [ ! -d node_modules ] || [ ! -x node_modules/.bin/eslint ]; then
    echo "[setup] npm ci"
    # allowScripts in package.json lets esbuild's install script run under npm 11
    npm ci --no-audit --no-fund || return 1
  fi
  bash scripts/setup-test-vscode.sh --test-tools
}
build() { node esbuild.mjs && node esbuild.mjs --tests; }
package_vsix() {
  rm -f .vscode-test/port-inspector-test.vsix
  mkdir -p .vscode-test
  npm run -s package -- --out .vscode-test/port-inspector-test.vsix &&
    echo "vsix size: $(stat -c %s .vscode-test/port-inspector-test.vsix) bytes; dist/extension.js (production): $(stat -c %s dist/extension.js) bytes"
}

total_start=$SECONDS
run_step setup setup
run_step lint eslint --max-warnings 0 .
run_step typecheck tsc --noEmit -p .
run_step build build
if [ "${status[build]}" = ok ]; then run_step unit mocha --config .mocharc.json; else skip_step unit "build failed"; fi
if [ "${status[build]}" = ok ] && [ "${status[setup]}" = ok ]; then
  run_step integration node scripts/run-integration-tests.mjs
  # the launch check's modal dialog, which a workbench running extension tests refuses to show
  run_step launch-dialog node scripts/check-launch-dialog.mjs
  # VS Code's display language set to Japanese, read from the page (its own code-server start with --locale ja)
  run_step japanese node scripts/check-japanese.mjs
else
  skip_step integration "build or setup failed"
  skip_step launch-dialog "build or setup failed"
  skip_step japanese "build or setup failed"
fi
# After the integration run: the production build replaces the development dist/ it used.
run_step package package_vsix
if [ "${status[package]}" = ok ] && [ "${status[setup]}" = ok ] && [ "${status[build]}" = ok ]; then
  run_step vsix node scripts/run-integration-tests.mjs --vsix .vscode-test/port-inspector-test.vsix
else
  skip_step vsix "package, build or setup failed"
fi

# Leave a development build behind (source maps), as `npm run build` would, not the minified package build.
node esbuild.mjs >/dev/null 2>&1 || true

echo
echo "=== summary ($((SECONDS - total_start)) s)"
printf '%s\n' "${summary[@]}"
skips="$(cat "$LOGDIR"/*.log 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | grep -Eo '\(skipped: .*\)$' | sort | uniq -c)"
if [ -n "$skips" ]; then echo "skipped (CI=${CI:-unset}):"; echo "$skips"; fi
rc=0
for s in "${status[@]}"; do [ "$s" = ok ] || rc=1; done
echo "$passed passed, $failed failed"
exit "$rc"
