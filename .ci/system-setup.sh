#!/usr/bin/env bash
# Installs and starts the real parts the system tests use: Docker Engine (with a local busybox
# image, since no registry is reachable), iproute2 for network namespaces and tc, etcd.
# Idempotent: safe to run on a developer machine that already has some of it.
set -euo pipefail

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || need_pkgs+=(busybox-static)
command -v ip >/dev/null || need_pkgs+=(iproute2)
command -v tc >/dev/null || need_pkgs+=(iproute2)
command -v etcd >/dev/null || need_pkgs+=(etcd-server)
command -v nsenter >/dev/null || need_pkgs+=(util-linux)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "== apt-get install ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "== starting dockerd"
  nohup dockerd >/tmp/tessera-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -20 /tmp/tessera-dockerd.log; exit 1; }
fi

# A local image from the static busybox: tests use tessera/busybox:latest.
if ! docker image inspect tessera/busybox:latest >/dev/null 2>&1; then
  echo "== docker import tessera/busybox:latest"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
  echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin:/usr/bin' -c 'CMD ["/bin/sh"]' - tessera/busybox:latest >/dev/null
  rm -rf "$root"
fi
echo "== system parts ready: $(docker version --format 'docker {{.Server.Version}}'), $(ip -V), $(etcd --version | head -1)"
