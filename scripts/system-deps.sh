#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real (Chromium for browser tests).
# Run as root (CI is root); otherwise it prints the command for an administrator.
set -euo pipefail
packages=(chromium fonts-dejavu-core poppler-utils tesseract-ocr tesseract-ocr-vie libnss3-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói hệ thống: ${missing[*]}. Chạy: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
