#!/usr/bin/env bash
# Installs everything stio needs to build, test and run on Debian 12, and nothing else:
# C++ libraries and tools from Debian packages (apt), web packages from npm (web/package-lock.json).
# Idempotent and quick when everything is present. Nothing is vendored or downloaded at run time.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=(
  g++ cmake ninja-build make pkg-config git ca-certificates curl python3
  libboost1.74-dev libsqlite3-dev sqlite3 nlohmann-json3-dev libargon2-dev libssl-dev zlib1g-dev
  libxlsxwriter-dev unzip
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  clang libclang-rt-14-dev
  libxapian-dev
  chromium
)
# Node.js and npm build the web UI; take Debian's only if no node is installed at all (a machine
# with Node.js from elsewhere keeps it: mixing the two breaks npm).
if ! command -v node >/dev/null 2>&1; then
  apt_packages+=(nodejs npm)
fi

missing=()
for p in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Web packages, from web/package-lock.json exactly.
if [ -f "$here/web/package-lock.json" ]; then
  stamp="$here/web/node_modules/.stio-installed"
  if [ ! -f "$stamp" ] || [ "$here/web/package-lock.json" -nt "$stamp" ]; then
    echo "install-deps: npm ci in web/"
    (cd "$here/web" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
fi
