#!/usr/bin/env bash
# Installs the Debian packages veilleur's tests need (or, with --demo, the few the demo needs).
# Idempotent: installs only what is missing. Needs root (or sudo) when something is missing.
set -euo pipefail
if [[ "${1:-}" == "--demo" ]]; then
  want=(fonts-dejavu-core)
else
  want=(chromium fonts-dejavu-core fonts-noto-color-emoji postgresql poppler-utils tesseract-ocr tesseract-ocr-fra openssl)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "error: missing Debian packages (${missing[*]}); install them as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
