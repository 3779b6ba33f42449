#!/usr/bin/env bash
# CampusPass gate installer for Debian 12 and Raspberry Pi OS (bookworm). Idempotent: run it again after an
# update; it changes only what differs and never overwrites /etc/campuspass/gate.yaml. See deploy/README.md.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOURCE="$(cd "$SCRIPT_DIR/../.." && pwd)"
ROOT=""
DRY_RUN=0
readonly NODE_BIN=/usr/bin/node            # the unit's ExecStart runs this node
readonly NODE_MIN_MINOR=19                 # package.json engines: >=20.19 <21
readonly APT_PACKAGES=(ffmpeg ca-certificates)

usage() {
  cat <<'EOF'
Usage: deploy/gate/install.sh [--root DIR] [--dry-run] [--source DIR] [--help]

Installs the CampusPass gate agent on a Debian 12 / Raspberry Pi OS (bookworm) machine:
  - apt packages: ffmpeg (camera stream), ca-certificates (HTTPS to the portal)
  - Node.js 20 (>= 20.19) at /usr/bin/node: must already be installed, or be the candidate of an apt
    repository you configured (e.g. NodeSource's); this script never downloads and runs a setup script
  - the system user and group of firmware-config/systemd/campuspass-gate.service (User=, Group=), with
    its SupplementaryGroups (dialout video gpio; gpio is created if missing)
  - /opt/campuspass (the built agent), /etc/campuspass/gate.yaml (from firmware-config/gate.example.yaml,
    mode 0640, never overwritten), /var/lib/campuspass and its gate/ directory (mode 0700)
  - the systemd unit and the udev rules from firmware-config; the unit is enabled, not started

Options:
  --root DIR    install the files into a staging root DIR (e.g. a mounted image); apt, user creation,
                ownership, systemctl and udevadm are skipped and printed instead
  --dry-run     change nothing; print what would be done
  --source DIR  the built checkout to install from (default: the checkout this script is in); it needs
                `npm ci && npm run build:ts` done, on the same CPU architecture as the gate (native modules)
  -h, --help    show this help

Exit codes: 0 done, 1 a check failed (the message says what to do), 64 usage error.
EOF
}

die() {
  printf 'install.sh: error: %s\n' "$1" >&2
  exit "${2:-1}"
}
note() { printf '%s\n' "$*"; }
changed() { if ((DRY_RUN)); then printf 'would change: %s\n' "$*"; else printf 'changed: %s\n' "$*"; fi; }
unchanged() { printf 'unchanged: %s\n' "$*"; }

# A command that changes the machine: run it, or only print it with --dry-run.
run() {
  if ((DRY_RUN)); then
    printf 'would run:'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}
# A command that changes the running system (apt, users, services): skipped, and printed, under --root.
system() {
  if [[ -n "$ROOT" ]]; then
    printf 'skipped (--root):'
    printf ' %q' "$@"
    printf '\n'
  else
    run "$@"
  fi
}

while (($# > 0)); do
  case "$1" in
    --root)
      [[ $# -ge 2 && -n "$2" ]] || die "--root needs a directory (e.g. --root /mnt/pi-image)" 64
      ROOT="$2"
      shift 2
      ;;
    --source)
      [[ $# -ge 2 && -n "$2" ]] || die "--source needs the built checkout's directory" 64
      SOURCE="$(cd "$2" 2>/dev/null && pwd)" || die "--source $2: no such directory" 64
      shift 2
      ;;
    --dry-run)
      DRY_RUN=1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument '$1' (run with --help for usage)" 64 ;;
  esac
done

if [[ -n "$ROOT" ]]; then
  [[ -d "$ROOT" ]] || die "--root $ROOT is not a directory: create it first" 64
  ROOT="$(cd "$ROOT" && pwd)"
  [[ "$ROOT" != / ]] || die "--root / would install into this machine: run without --root instead" 64
fi

readonly FIRMWARE="$SOURCE/firmware-config"
readonly UNIT_SOURCE="$FIRMWARE/systemd/campuspass-gate.service"
readonly RULES_SOURCE="$FIRMWARE/udev/99-campuspass.rules"
readonly CONFIG_SOURCE="$FIRMWARE/gate.example.yaml"
for file in "$UNIT_SOURCE" "$RULES_SOURCE" "$CONFIG_SOURCE"; do
  [[ -f "$file" ]] || die "$file is missing: --source must be a CampusPass checkout (now $SOURCE)"
done

# One source of truth for the user, groups and paths: the unit file this script installs.
unit_value() { sed -n "s/^$1=//p" "$UNIT_SOURCE" | tail -n 1; }
GATE_USER="$(unit_value User)"
GATE_GROUP="$(unit_value Group)"
read -r -a GATE_GROUPS <<<"$(unit_value SupplementaryGroups)"
[[ -n "$GATE_USER" && -n "$GATE_GROUP" ]] || die "$UNIT_SOURCE has no User= or Group= line"
readonly GATE_USER GATE_GROUP

readonly APP_DIR="$ROOT/opt/campuspass"
readonly ETC_DIR="$ROOT/etc/campuspass"
readonly CONFIG_FILE="$ETC_DIR/gate.yaml"
readonly STATE_DIR="$ROOT/var/lib/campuspass"
readonly UNIT_FILE="$ROOT/etc/systemd/system/campuspass-gate.service"
readonly RULES_FILE="$ROOT/etc/udev/rules.d/99-campuspass.rules"

check_root_user() {
  if [[ -z "$ROOT" && "$(id -u)" -ne 0 ]]; then
    die "run as root (sudo $0), or stage the files with --root DIR"
  fi
}

check_os() {
  local release="$ROOT/etc/os-release"
  if [[ ! -f "$release" ]]; then
    [[ -n "$ROOT" ]] || die "/etc/os-release is missing: this is not Debian 12 or Raspberry Pi OS (bookworm)"
    note "note: $release is missing: the operating system of the staging root is not checked"
    return
  fi
  # Read, not sourced: a staging root's files are data, not code to run as root.
  os_value() { sed -n "s/^$1=//p" "$release" | tail -n 1 | tr -d "\"'"; }
  local id codename like
  id="$(os_value ID)"
  like="$(os_value ID_LIKE)"
  codename="$(os_value VERSION_CODENAME)"
  if [[ "$id" != debian && "$id" != raspbian && " $like " != *" debian "* ]] || [[ "$codename" != bookworm ]]; then
    die "this is ${id:-an unknown system} ${codename:-(no codename)} ($release): the installer supports Debian 12 and Raspberry Pi OS bookworm only"
  fi
  note "ok: $id $codename"
}

node_version_ok() {
  local version
  version="$("$NODE_BIN" --version 2>/dev/null)" || return 1
  [[ "$version" =~ ^v20\.([0-9]+)\. ]] && ((BASH_REMATCH[1] >= NODE_MIN_MINOR))
}

check_node() {
  if [[ -n "$ROOT" ]]; then
    note "skipped (--root): check for Node.js 20.$NODE_MIN_MINOR+ at $NODE_BIN (the staging root's node cannot be run here)"
    return
  fi
  if node_version_ok; then
    unchanged "Node.js $("$NODE_BIN" --version) at $NODE_BIN"
    return
  fi
  local candidate
  candidate="$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
  if [[ "$candidate" =~ ^20\.([0-9]+)\. ]] && ((BASH_REMATCH[1] >= NODE_MIN_MINOR)); then
    run apt-get install -y --no-install-recommends nodejs
    ((DRY_RUN)) || node_version_ok || die "apt installed nodejs $candidate but $NODE_BIN is not Node 20.$NODE_MIN_MINOR+"
    changed "Node.js $candidate installed from your apt repository"
    return
  fi
  die "Node.js 20 (20.$NODE_MIN_MINOR or later) is needed at $NODE_BIN, and apt offers nodejs ${candidate:-none} (bookworm's own is 18).
Add an apt repository that ships Node 20 (for example NodeSource's: its signing key under /etc/apt/keyrings and a
deb822 file in /etc/apt/sources.list.d naming node_20.x with Signed-By=), run apt-get update, then run this again.
This installer does not fetch repository keys or run remote setup scripts itself."
}

install_packages() {
  local missing=() package
  for package in "${APT_PACKAGES[@]}"; do
    if [[ -z "$ROOT" && "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == "install ok installed" ]]; then
      continue
    fi
    missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    unchanged "apt packages ${APT_PACKAGES[*]}"
    return
  fi
  system apt-get install -y --no-install-recommends "${missing[@]}"
  [[ -n "$ROOT" ]] || changed "apt packages ${missing[*]}"
}

create_user() {
  if [[ -n "$ROOT" ]]; then
    system groupadd --system "$GATE_GROUP"
    system useradd --system --gid "$GATE_GROUP" --groups "$(IFS=,; printf '%s' "${GATE_GROUPS[*]}")" \
      --home-dir /var/lib/campuspass --no-create-home --shell /usr/sbin/nologin "$GATE_USER"
    return
  fi
  local group
  for group in "$GATE_GROUP" "${GATE_GROUPS[@]}"; do
    if getent group "$group" >/dev/null; then continue; fi
    # gpio exists on Raspberry Pi OS only; the udev rules give it the sysfs GPIO files elsewhere too.
    run groupadd --system "$group"
    changed "group $group"
  done
  if ! getent passwd "$GATE_USER" >/dev/null; then
    run useradd --system --gid "$GATE_GROUP" --home-dir /var/lib/campuspass --no-create-home \
      --shell /usr/sbin/nologin "$GATE_USER"
    changed "user $GATE_USER"
  fi
  for group in "${GATE_GROUPS[@]}"; do
    if [[ " $(id -nG "$GATE_USER" 2>/dev/null) " == *" $group "* ]]; then continue; fi
    run usermod --append --groups "$group" "$GATE_USER"
    changed "user $GATE_USER in group $group"
  done
}

# ensure_dir PATH MODE OWNER:GROUP
ensure_dir() {
  local path="$1" mode="$2" owner="$3"
  if [[ ! -d "$path" ]]; then
    run install -d -m "$mode" "$path"
    changed "directory ${path#"$ROOT"} (mode $mode)"
  elif [[ "$(stat -c %a "$path")" != "${mode#0}" ]]; then
    run chmod "$mode" "$path"
    changed "mode $mode of ${path#"$ROOT"}"
  else
    unchanged "directory ${path#"$ROOT"}"
  fi
  ensure_owner "$path" "$owner"
}

ensure_owner() {
  local path="$1" owner="$2"
  if [[ -n "$ROOT" ]]; then
    system chown "$owner" "${path#"$ROOT"}"
  elif [[ "$(stat -c %U:%G "$path" 2>/dev/null)" != "$owner" ]]; then
    run chown "$owner" "$path"
    changed "owner $owner of $path"
  fi
}

# install_file SOURCE TARGET MODE: copy when absent or different; prints whether it changed.
install_file() {
  local source="$1" target="$2" mode="$3"
  if [[ -f "$target" ]] && cmp -s "$source" "$target"; then
    if [[ "$(stat -c %a "$target")" != "${mode#0}" ]]; then
      run chmod "$mode" "$target"
      changed "mode $mode of ${target#"$ROOT"}"
    else
      unchanged "${target#"$ROOT"}"
    fi
    return 1
  fi
  run install -D -m "$mode" "$source" "$target"
  changed "${target#"$ROOT"} from ${source#"$SOURCE"/}"
}

# The parts of a built checkout the agent runs from (libs are linked from node_modules/@campuspass).
APP_PARTS=(package.json node_modules apps/gate-agent/dist firmware-config)
install_app() {
  local here there
  here="$(cd "$SOURCE" && pwd -P)"
  there="$(cd "$APP_DIR" 2>/dev/null && pwd -P || true)"
  if [[ "$here" == "$there" ]]; then
    [[ -f "$APP_DIR/apps/gate-agent/dist/main.js" ]] ||
      die "$APP_DIR/apps/gate-agent/dist/main.js is missing: build it first (cd $APP_DIR && npm ci && npm run build:ts)"
    unchanged "/opt/campuspass is this checkout"
    return
  fi
  [[ -f "$SOURCE/apps/gate-agent/dist/main.js" && -d "$SOURCE/node_modules" ]] ||
    die "$SOURCE is not built: run npm ci && npm run build:ts there first (on the gate's CPU architecture: better-sqlite3 and serialport are native)"
  local lib parts=("${APP_PARTS[@]}")
  shopt -s nullglob
  for lib in "$SOURCE"/libs/*/; do
    lib="libs/$(basename "$lib")"
    parts+=("$lib/package.json")
    [[ ! -d "$SOURCE/$lib/dist" ]] || parts+=("$lib/dist")
  done
  shopt -u nullglob
  local staged="$APP_DIR.new"
  if ((DRY_RUN)); then
    note "would copy ${parts[*]} from $SOURCE to ${APP_DIR#"$ROOT"} (if they differ)"
    return
  fi
  rm -rf "$staged"
  mkdir -p "$staged"
  # tar keeps symlinks (node_modules/@campuspass/* → libs/*) and modification times; files end up owned by
  # whoever runs this (root), read-only for the agent's user.
  tar -C "$SOURCE" -cf - "${parts[@]}" | tar -C "$staged" --no-same-owner -xf -
  chmod -R go-w "$staged"
  chmod 0755 "$staged"
  if [[ -d "$APP_DIR" ]] && diff -rq --no-dereference "$staged" "$APP_DIR" >/dev/null 2>&1; then
    rm -rf "$staged"
    unchanged "/opt/campuspass"
    return
  fi
  if [[ -d "$APP_DIR" ]]; then
    rm -rf "$APP_DIR.old"
    mv "$APP_DIR" "$APP_DIR.old"
  fi
  mv "$staged" "$APP_DIR"
  rm -rf "$APP_DIR.old"
  changed "/opt/campuspass from $SOURCE"
  if [[ -z "$ROOT" ]] && systemctl is-active --quiet campuspass-gate.service 2>/dev/null; then
    note "the running agent still runs the old files: sudo systemctl restart campuspass-gate"
  fi
}

install_config() {
  if [[ -f "$CONFIG_FILE" ]]; then
    unchanged "${CONFIG_FILE#"$ROOT"} (kept as it is: this installer never overwrites it)"
    if [[ "$(stat -c %a "$CONFIG_FILE")" != 640 ]]; then
      run chmod 0640 "$CONFIG_FILE"
      changed "mode 0640 of ${CONFIG_FILE#"$ROOT"} (it may hold the enrollment code and the guard PIN hash)"
    fi
  else
    run install -m 0640 "$CONFIG_SOURCE" "$CONFIG_FILE"
    changed "${CONFIG_FILE#"$ROOT"} from firmware-config/gate.example.yaml: edit it before starting the gate"
  fi
  ensure_owner "$CONFIG_FILE" "root:$GATE_GROUP"
}

install_unit_and_rules() {
  if install_file "$UNIT_SOURCE" "$UNIT_FILE" 0644; then
    system systemctl daemon-reload
  fi
  # Local changes go in a drop-in (systemctl edit campuspass-gate), which survives updates of the unit.
  if systemctl_enabled; then
    unchanged "campuspass-gate.service enabled"
  elif [[ -n "$ROOT" ]]; then
    # --root: only links inside the staging root, the running system is not touched.
    run systemctl --root="$ROOT" --quiet enable campuspass-gate.service
    changed "campuspass-gate.service enabled in $ROOT"
  else
    run systemctl enable campuspass-gate.service
    changed "campuspass-gate.service enabled (not started)"
  fi
  # The udev rules are edited per site (the scanner's USB ids): an edited copy is kept, the new one put beside it.
  if [[ -f "$RULES_FILE" ]] && ! cmp -s "$RULES_SOURCE" "$RULES_FILE"; then
    if [[ -f "$RULES_FILE.dist" ]] && cmp -s "$RULES_SOURCE" "$RULES_FILE.dist"; then
      unchanged "${RULES_FILE#"$ROOT"} (edited here; the shipped version is in ${RULES_FILE#"$ROOT"}.dist)"
    else
      run install -m 0644 "$RULES_SOURCE" "$RULES_FILE.dist"
      changed "${RULES_FILE#"$ROOT"}.dist: ${RULES_FILE#"$ROOT"} differs from the shipped rules and is kept; compare them with diff"
    fi
    return
  fi
  if install_file "$RULES_SOURCE" "$RULES_FILE" 0644; then
    system udevadm control --reload
    system udevadm trigger
  fi
}

systemctl_enabled() {
  if [[ -n "$ROOT" ]]; then
    [[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/campuspass-gate.service" ]]
  else
    systemctl is-enabled --quiet campuspass-gate.service 2>/dev/null
  fi
}

main() {
  check_root_user
  check_os
  ((DRY_RUN)) && note "dry run: nothing is changed"
  [[ -z "$ROOT" ]] || note "staging into $ROOT: apt, users, ownership, systemctl and udevadm are skipped"
  check_node
  install_packages
  create_user
  ensure_dir "$ROOT/opt" 0755 root:root
  ensure_dir "$ETC_DIR" 0750 "root:$GATE_GROUP"
  ensure_dir "$STATE_DIR" 0700 "$GATE_USER:$GATE_GROUP"
  ensure_dir "$STATE_DIR/gate" 0700 "$GATE_USER:$GATE_GROUP"
  install_app
  install_config
  install_unit_and_rules
  cat <<EOF

Next (the gate is enabled but not started):
  1. Edit /etc/campuspass/gate.yaml: portal.url, the devices (/dev/campuspass-relay, -scanner, -camera), pins.
     Add the boot pin states of firmware-config/boot/config.txt.snippet to /boot/firmware/config.txt and reboot.
  2. Check it:   sudo -u $GATE_USER $NODE_BIN /opt/campuspass/apps/gate-agent/dist/main.js --check-config --config /etc/campuspass/gate.yaml
  3. Enroll it:  sudo -u $GATE_USER $NODE_BIN /opt/campuspass/apps/gate-agent/dist/main.js --config /etc/campuspass/gate.yaml --enroll <code from the portal>
  4. Start it:   sudo systemctl start campuspass-gate && journalctl -u campuspass-gate -f
EOF
}

main
