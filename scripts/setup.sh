#!/usr/bin/env bash
# Set-up 1 of the README, and CI's: on Debian 12 (bookworm) with Node 20 + npm, installs the pinned pnpm
# and the Debian packages the tests need. Idempotent: what is already there is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  # Corepack cannot verify this registry's signatures; a global npm install of the pinned version can.
  npm install --global "pnpm@$PNPM_VERSION" --no-audit --no-fund
fi

# Debian packages the tests need: Chromium for the web demo's end-to-end test (never a downloaded browser),
# PyTorch and torchvision (CPU) as the numerical oracle for torchvision's FCN and .pth files, and
# scikit-image for its free sample photos.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null || need+=(python3-torch python3-torchvision)
/usr/bin/python3 -c 'import skimage' 2>/dev/null || need+=(python3-skimage)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get install -y --no-install-recommends "${need[@]}" || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${need[@]}"; }
fi

# Mesa 25's lavapipe (Vulkan on the CPU) for the webgpu training test (packages/backends/src/webgpu): Dawn
# runs WebGPU on it without a GPU. Debian 12's own Mesa 22 fails, so it comes from bookworm-backports,
# added to apt's sources (on the mirror they already use) when missing.
if ! dpkg --compare-versions "$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null)" ge 25; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  suite=()
  if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ]; then
    suite=(-t bookworm-backports)
    if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
      mirror=$(grep -rhoEs 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ | head -n1 | tr -d ' ' || true)
      echo "deb ${mirror:-http://deb.debian.org/debian} bookworm-backports main" |
        $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
    fi
  fi
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${suite[@]}" mesa-vulkan-drivers
fi
