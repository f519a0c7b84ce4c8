#!/usr/bin/env bash
# End-to-end test of the browser version in Debian's headless chromium:
# builds z80lm, compiles the reference models to .COM, serves the page on
# loopback, plays CHAT and GUESS and compares the replies on the screen with
# `z80lm chat --native`. Screenshots and metrics.json (time to interactive,
# bytes transferred) go to $Z80LM_E2E_OUT (default /tmp/z80lm-e2e).
#
# Needs: apt-get install -y chromium (CI installs it before calling this).
set -euo pipefail
cd "$(dirname "$0")/.."
export Z80LM_E2E_OUT="${Z80LM_E2E_OUT:-${TMPDIR:-/tmp}/z80lm-e2e}"
go test -tags browser -count=1 -run '^TestBrowser$' -v ./web
