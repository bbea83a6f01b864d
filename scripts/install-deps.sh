#!/usr/bin/env bash
# Installs whatever vigil needs that is missing on this machine, then builds.
# Usage: scripts/install-deps.sh [demo|test|vm]   (what the caller is about to run)
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-test}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "install-deps: need root to install Debian packages: $*" >&2; return 1; fi; }

# command -> Debian package that provides it
# npm ci builds @unraid/libvirt (a native addon) against libvirt-dev, so every mode needs it
need=(etcd:etcd-server etcdctl:etcd-client curl:curl pkg-config:pkg-config g++:g++)
case "$want" in
  test|vm)
    need+=(crm_simulate:pacemaker-cli-utils crm_verify:pacemaker-cli-utils tmux:tmux vi:vim-tiny ip:iproute2 ping:iputils-ping
           libvirtd:libvirt-daemon virsh:libvirt-clients qemu-system-x86_64:qemu-system-x86 unshare:util-linux nft:nftables) ;;
esac
missing=()
for pair in "${need[@]}"; do
  cmd=${pair%%:*} pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ -e /usr/include/libvirt/libvirt.h ] || missing+=(libvirt-dev)
if [ "$want" != demo ]; then
  # packages without a command to probe for
  [ -d /usr/lib/ocf/resource.d/heartbeat ] || missing+=(resource-agents)
  [ -x /usr/lib/ocf/resource.d/pacemaker/ping ] || missing+=(pacemaker-resource-agents)
  [ -e /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] || missing+=(libvirt-daemon-driver-qemu)
fi
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "install-deps: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q >&2
  as_root apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# npm dependencies: reinstall when the lockfile changed since the last install
stamp=node_modules/.vigil-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "install-deps: npm ci" >&2
  # The checkout pins its Node (the npm package "node", a devDependency): npm ci installs it into
  # node_modules/.bin, which npm puts first on the PATH of every npm script.
  pinned=$(node -p 'require("./package.json").devDependencies.node')
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt "${pinned%%.*}" ]; then
    echo "install-deps: this machine's Node is $(node --version); npm ci installs Node $pinned for vigil's npm scripts (npm warns EBADENGINE while it runs on the older one)" >&2
  fi
  # Its prepare script builds (the TypeScript compile and the shell's bundle), unless scripts are off here.
  npm ci --no-audit --no-fund >&2
  cp package-lock.json "$stamp"
  [ -f dist/crm-shell/main.bundle.cjs ] || npm run build >&2
else
  npm run build >&2
fi
