#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the skill needs, only those missing.
# espeak-ng: pyttsx3's voice on Linux; flite + sox: audio fixtures and noise;
# libportaudio2: microphone for `backpain listen`; redis-server: shared-session tests.
# --bench adds festival and two of its voices: `make bench` speaks its held-out and unseen
# speech sets with them too (a third synthesiser family, never used for tuning).
set -euo pipefail
packages=(espeak-ng flite sox libsox-fmt-all libportaudio2 redis-server)
[ "${1:-}" = "--bench" ] && packages+=(festival festvox-kdlpc16k festvox-us-slt-hts)
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "error: need these system packages but apt-get is not available: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
