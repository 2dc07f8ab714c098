#!/usr/bin/env bash
# The tools the deployment checks need (tests/deploy): `kubectl` (its built-in kustomize renders
# deploy/k8s's overlays) and `promtool` (checks deploy/observability's Prometheus config and
# rules). promtool comes from Debian's `prometheus` package, installed when missing (`apt-get
# update` only if the first install fails). kubectl is not in Debian's lists in a version with
# kustomize Components (bookworm's kubernetes-client is 1.20): it must be on the machine already
# (https://kubernetes.io/docs/tasks/tools/); this says so plainly instead of letting a test fail
# later.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! command -v kubectl >/dev/null 2>&1; then
  echo "deploy tools: kubectl not found; install kubectl >= 1.27 (kustomize Components)" >&2
  exit 1
fi
kubectl version --client 2>/dev/null | head -2

if ! command -v promtool >/dev/null 2>&1; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deploy tools: promtool missing, and not root to install it" >&2; exit 1; }
    sudo=(sudo -n)
  fi
  echo "deploy tools: installing Debian's prometheus (for promtool)"
  apt_install() { "${sudo[@]}" apt-get install -y --no-install-recommends prometheus </dev/null; }
  if ! apt_install; then
    "${sudo[@]}" apt-get update </dev/null
    apt_install
  fi
  # The package starts a Prometheus server; the checks need only the binary.
  "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
  pkill -x prometheus >/dev/null 2>&1 || true
fi
promtool --version 2>&1 | head -1
