#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the skill needs, only those missing.
# Running (`make run`): espeak-ng, pyttsx3's voice on Linux; libportaudio2, the microphone
# for `backpain listen`.
# --test (`make test`) adds flite + sox: audio fixtures and noise; redis-server:
# shared-session tests; chromium + chromium-driver: the page's browser tests (Selenium);
# pulseaudio (+ utils, ALSA pulse plugin): `backpain listen` tested through a virtual microphone.
# --bench adds those and festival with two of its voices: `make bench` speaks its held-out
# and unseen speech sets with them too (a third synthesiser family, never used for tuning).
set -euo pipefail
packages=(espeak-ng libportaudio2)
test_packages=(flite sox libsox-fmt-all redis-server chromium chromium-driver pulseaudio pulseaudio-utils libasound2-plugins)
case "${1:-}" in
  --test) packages+=("${test_packages[@]}") ;;
  --bench) packages+=("${test_packages[@]}" festival festvox-kdlpc16k festvox-us-slt-hts) ;;
esac
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
echo "installing system packages (this can take a few minutes): ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
