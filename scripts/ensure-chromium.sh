#!/usr/bin/env bash
# The browser for the web app's end-to-end suite (`make web-e2e`): Debian's Chromium, never a
# browser downloaded by Playwright. Installs the `chromium` package when it is missing
# (`apt-get update` only if the first install fails: the package lists may be stale) and prints
# the version. Also Debian's colour emoji font: sports are drawn with their emoji (⚽ 🏀), which a
# bare Chromium shows as empty boxes in the screenshots. CHROMIUM_PATH points the suite at another build (web/playwright.config.ts).
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
export DEBIAN_FRONTEND=noninteractive

EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
packages=()
[ -x "$CHROMIUM" ] || packages+=(chromium)
[ -f "$EMOJI_FONT" ] || packages+=(fonts-noto-color-emoji)

if [ "${#packages[@]}" -gt 0 ]; then
  if [ ! -x "$CHROMIUM" ] && [ -n "${CHROMIUM_PATH:-}" ]; then
    echo "chromium: CHROMIUM_PATH=$CHROMIUM is not an executable" >&2; exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "chromium: not installed, and not root to install it" >&2; exit 1; }
    sudo=(sudo -n)
  fi
  apt_install() { "${sudo[@]}" apt-get install -y "${packages[@]}" </dev/null; }
  echo "chromium: installing Debian's ${packages[*]}"
  if ! apt_install; then
    "${sudo[@]}" apt-get update </dev/null
    apt_install
  fi
fi
echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM (no --version answer)")"
