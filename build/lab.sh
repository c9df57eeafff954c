#!/usr/bin/env bash
# A lab of Docker hosts on this machine (docs/OPERATIONS.md, "A lab of Docker hosts"): each node is a
# network namespace with its own dockerd, hostname and mount namespace (its /srv is its own folder),
# the nodes joined by a bridge with private addresses. Optionally a swarm (one manager, the others
# workers) and this machine's registry at the same 127.0.0.1:PORT inside every node (started by the lab
# when nothing answers there). A swarm with a registry gets an environments file for the pipeline's
# `cluster` environment; nodes with sshd and no swarm one for `fleet`, every node a host. Needs root.
# Usage: build/lab.sh up [--name LAB] [--nodes N] [--swarm] [--registry 127.0.0.1:PORT] [--ssh]
#        build/lab.sh down [--name LAB]
#        build/lab.sh status [--name LAB]
# The tests use it (tests/QtsOps.Tests/Docker/Lab.cs); up first removes what is left of a lab of the
# same name, down removes everything up made, however far up got.
set -euo pipefail

LAB_ROOT="${QTSOPS_LAB_ROOT:-/var/lib/qtsops-lab}"
NAME="lab"
NODES=3
SWARM=false
REGISTRY=""
REGISTRY_STARTED=false
SSH=false
# Swarm allocates its overlay networks from 10.0.0.0/8 upwards and Docker its bridges from
# 172.17/16 and 192.168/16: the labs' own subnets sit far from both, in 10.200.0.0-10.255.255.0.
SUBNET_FIRST_OCTET=10
START_TIMEOUT_SECONDS=60
DAEMON_STOP_SECONDS=30
# How long a node's dockerd, when the lab comes down, waits for a container to stop before killing it.
CONTAINER_STOP_SECONDS=3
# The observer's port on every node (each node's own network) and its folders on the nodes.
SERVICE_PORT=8000
SERVICE_SRV=/srv/qts-observer

# shellcheck source=build/registry.sh
source "$(dirname "${BASH_SOURCE[0]}")/registry.sh"

say() { echo "lab: $*" >&2; }
fail() { say "error: $*"; exit 1; }

usage() {
  sed -n '8,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

parse_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --name | --nodes | --registry) [ $# -ge 2 ] || fail "$1 needs a value (see usage: build/lab.sh)." ;;
    esac
    case "$1" in
      --name) NAME="${2:-}"; shift 2 ;;
      --name=*) NAME="${1#*=}"; shift ;;
      --nodes) NODES="${2:-}"; shift 2 ;;
      --nodes=*) NODES="${1#*=}"; shift ;;
      --swarm) SWARM=true; shift ;;
      --registry) REGISTRY="${2:-}"; shift 2 ;;
      --registry=*) REGISTRY="${1#*=}"; shift ;;
      --ssh) SSH=true; shift ;;
      *) say "unknown option '$1'"; usage ;;
    esac
  done
  [[ "$NAME" =~ ^[a-z][a-z0-9-]{0,19}$ ]] || fail "--name '$NAME': use 1 to 20 lower-case letters, digits and '-', starting with a letter."
  [[ "$NODES" =~ ^[1-9][0-9]?$ ]] || fail "--nodes '$NODES': give a number of nodes from 1 to 99."
  if [ -n "$REGISTRY" ]; then
    # Image references must read the same on every node and here, so the registry is this machine's loopback.
    [[ "$REGISTRY" =~ ^(127\.0\.0\.1|localhost):([0-9]{1,5})$ ]] || fail "--registry '$REGISTRY': give the registry this machine serves on its loopback, as 127.0.0.1:PORT."
    REGISTRY_PORT="${BASH_REMATCH[2]}"
  fi
  LAB_DIR="$LAB_ROOT/$NAME"
  STATE_FILE="$LAB_DIR/lab.json"
  ENVIRONMENTS_FILE="$LAB_DIR/environments.json"
  # Interface names have at most 15 characters: the lab's are named by a hash of its name.
  HASH="$(printf '%s' "$NAME" | sha256sum | cut -c1-6)"
  BRIDGE="qlab$HASH"
  RULE_COMMENT="qtsops-lab:$NAME"
}

namespace() { echo "qtsops-lab-$NAME-node$1"; }
hostname_of() { echo "$NAME-node$1"; }
node_address() { echo "$PREFIX.$((10 + $1))"; }
host_veth() { echo "qlab${HASH}v$1"; }
node_dir() { echo "$LAB_DIR/node$1"; }
socket_of() { echo "$(node_dir "$1")/docker.sock"; }
lab_repository() { echo "qtsops-lab-$NAME"; }
node_docker() { local node="$1"; shift; docker -H "unix://$(socket_of "$node")" "$@"; }

# The lab's namespaces that exist, by node number.
existing_nodes() {
  ip netns list | awk '{print $1}' | sed -n "s/^qtsops-lab-$NAME-node\([0-9]\{1,2\}\)\$/\1/p" | sort -n
}

require_root_and_tools() {
  [ "$(id -u)" -eq 0 ] || fail "the lab makes namespaces, a bridge and iptables rules: run it as root (sudo $0 ...)."
  local tool missing=()
  for tool in ip iptables nsenter unshare dockerd docker sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ -n "$REGISTRY" ] && ! command -v socat >/dev/null 2>&1; then missing+=(socat); fi
  if [ -n "$REGISTRY" ] && [ "$COMMAND" = up ] && ! registry_answers && [ ! -x /usr/bin/docker-registry ]; then missing+=(docker-registry); fi
  if $SSH && [ ! -x /usr/sbin/sshd ]; then missing+=(openssh-server); fi
  if $SSH && ! command -v ssh-keygen >/dev/null 2>&1; then missing+=(openssh-client); fi
  [ ${#missing[@]} -eq 0 ] || fail "missing: ${missing[*]}. Run: build/setup.sh suite (or apt-get install iproute2 iptables util-linux docker.io socat)."
}

# A /24 in 10.200-255.x.0 from the name's hash, the next one while a route of this machine covers it.
choose_subnet() {
  local number=$((16#$HASH)) attempt prefix
  for attempt in $(seq 0 255); do
    prefix="$SUBNET_FIRST_OCTET.$((200 + (number + attempt) % 56)).$(((number >> 8) % 256))"
    if ! ip -4 route show | grep -q "^$prefix\.0/24 "; then
      echo "$prefix"
      return
    fi
  done
  fail "no free 10.200-255.x.0/24 subnet for the lab's bridge."
}

# The process and every process under it, children first.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do descendants "$child"; done
  echo "$1"
}

# Stops processes and everything under them: SIGTERM (dockerd stops its containers), SIGKILL to
# what is left of the trees after the timeout.
stop_processes() {
  local seconds="$1" pid trees=()
  shift
  for pid in "$@"; do
    kill -0 "$pid" 2>/dev/null || continue
    # shellcheck disable=SC2207 # one pid a word
    trees+=($(descendants "$pid"))
    kill "$pid" 2>/dev/null || true
  done
  [ ${#trees[@]} -gt 0 ] || return 0
  for _ in $(seq 1 $((seconds * 5))); do
    running "$@" || break
    sleep 0.2
  done
  kill -9 "${trees[@]}" 2>/dev/null || true
}

running() {
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}

down() {
  local node pid pidfile daemons=() others=()
  # The daemons first, all at once (each stops its containers and unmounts what it mounted), then
  # whatever still runs in a node's network namespace (containerd, shims and their containers, the
  # registry forwarders), then the forwarder here.
  for pidfile in "$LAB_DIR"/node*/docker.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then daemons+=("$pid"); fi
  done
  stop_processes "$DAEMON_STOP_SECONDS" "${daemons[@]}"
  for node in $(existing_nodes); do
    # shellcheck disable=SC2207 # one pid a word
    others+=($(ip netns pids "$(namespace "$node")" 2>/dev/null))
  done
  for pidfile in "$LAB_DIR"/*.pid "$LAB_DIR"/node*/*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    # Only a process this lab started: its command line names the lab's folder.
    if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$LAB_DIR/"; then others+=("$pid"); fi
  done
  stop_processes 5 "${others[@]}"
  for node in $(existing_nodes); do ip netns delete "$(namespace "$node")"; done
  for node in $(ip -o link show | awk -F': ' '{print $2}' | sed -n "s/^qlab${HASH}v\([0-9]\{1,2\}\)@.*/\1/p"); do
    ip link delete "$(host_veth "$node")" 2>/dev/null || true
  done
  while iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$RULE_COMMENT" -j ACCEPT 2>/dev/null; do :; done
  ip link delete "$BRIDGE" 2>/dev/null || true
  # The lab's tmpfs, and anything mounted under it by hand.
  findmnt -rno TARGET | awk -v dir="$LAB_DIR" '$0 == dir || index($0, dir "/") == 1' | sort -r | while read -r target; do umount -l "$target"; done
  rm -rf "$LAB_DIR"
  remove_lab_images
}

# The tags the pipeline gave this machine's engine for the lab's environments file (its imageRepository
# is the lab's own, qtsops-lab-NAME/...), with or without the registry in front.
remove_lab_images() {
  local images
  images="$(docker image ls --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -E "(^|/)$(lab_repository)/" || true)"
  [ -z "$images" ] || echo "$images" | xargs docker image rm >/dev/null 2>&1 || true
}

add_node_network() {
  local node="$1" ns veth
  ns="$(namespace "$node")"
  veth="$(host_veth "$node")"
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$(node_address "$node")/24" dev eth0
  ip -n "$ns" link set eth0 up
}

registry_answers() { registry_answers_at "127.0.0.1:$REGISTRY_PORT"; }

# Debian's docker-registry (no login) at 127.0.0.1:PORT, its config, storage and log in the lab's folder:
# down stops it with the lab's other processes (its command line names the folder). A registry that
# already answers there is the user's: the lab uses it and leaves it alone.
start_registry() {
  local started=0
  if registry_answers; then
    say "the registry at 127.0.0.1:$REGISTRY_PORT answers: using it (the lab neither started it nor stops it)"
    return
  fi
  REGISTRY_STARTED=true
  serve_registry "$LAB_DIR/registry" "127.0.0.1:$REGISTRY_PORT" "$START_TIMEOUT_SECONDS" || started=$?
  # Written either way: down stops it.
  echo "$REGISTRY_PID" >"$LAB_DIR/registry.pid"
  [ "$started" -eq 0 ] || fail "the registry at 127.0.0.1:$REGISTRY_PORT did not start (its log, $LAB_DIR/registry/registry.log, ends above)."
}

# socat in the node's namespace listens on its 127.0.0.1:PORT and hands each connection, through a unix
# socket in the lab's folder, to the socat here that connects to the registry on this machine's loopback.
start_registry_forwarders() {
  local node dir
  setsid socat "UNIX-LISTEN:$LAB_DIR/registry.sock,fork,mode=600" "TCP:127.0.0.1:$REGISTRY_PORT" </dev/null >>"$LAB_DIR/registry-forwarder.log" 2>&1 &
  echo $! >"$LAB_DIR/registry-forwarder.pid"
  for node in $(seq 1 "$NODES"); do
    dir="$(node_dir "$node")"
    nsenter --net="/var/run/netns/$(namespace "$node")" setsid socat "TCP-LISTEN:$REGISTRY_PORT,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$LAB_DIR/registry.sock" \
      </dev/null >>"$dir/registry-forwarder.log" 2>&1 &
    echo $! >"$dir/registry-forwarder.pid"
  done
}

# dockerd in the node's network namespace (nsenter: `ip netns exec` remounts /sys, where dockerd then
# finds no devices cgroup), with a UTS namespace for its hostname and a mount namespace whose /srv is
# the node's own folder (slave: this machine's unmounts still reach it). nsenter, unshare and sh exec,
# so $! is dockerd. Never a dockerd in this machine's own network namespace: it would remake docker0.
start_daemon() {
  local node="$1" dir
  dir="$(node_dir "$node")"
  mkdir -p "$dir/srv"
  echo "{\"shutdown-timeout\": $CONTAINER_STOP_SECONDS}" >"$dir/daemon.json"
  # shellcheck disable=SC2016 # $1.. are the inner sh's
  nsenter --net="/var/run/netns/$(namespace "$node")" unshare --mount --uts --propagation slave \
    setsid sh -c 'mount --bind "$1" /srv && hostname "$2" && shift 2 && exec dockerd "$@"' sh "$dir/srv" "$(hostname_of "$node")" \
    --config-file="$dir/daemon.json" --data-root="$dir/data" --exec-root="$dir/exec" --pidfile="$dir/docker.pid" \
    -H "unix://$(socket_of "$node")" </dev/null >"$dir/dockerd.log" 2>&1 &
}

# sshd in all of the node's namespaces (its /srv, its hostname), on its bridge address only, for root
# with the lab's key; its docker CLI drives the node's engine (DOCKER_HOST).
start_sshd() {
  local node="$1" dir address
  dir="$(node_dir "$node")"
  address="$(node_address "$node")"
  ssh-keygen -q -t ed25519 -N '' -C "$(hostname_of "$node")" -f "$dir/ssh_host_ed25519_key"
  cat >"$dir/sshd_config" <<CONFIG
ListenAddress $address:22
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $LAB_DIR/ssh/id_ed25519.pub
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
MaxSessions 64
SetEnv DOCKER_HOST=unix://$(socket_of "$node")
CONFIG
  printf '%s %s\n' "$address" "$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >>"$LAB_DIR/ssh/known_hosts"
  mkdir -p /run/sshd
  nsenter --target "$(cat "$dir/docker.pid")" --net --mount --uts setsid /usr/sbin/sshd -D -e -f "$dir/sshd_config" </dev/null >"$dir/sshd.log" 2>&1 &
}

start_sshds() {
  local node
  mkdir -p "$LAB_DIR/ssh"
  ssh-keygen -q -t ed25519 -N '' -C "qtsops-lab-$NAME" -f "$LAB_DIR/ssh/id_ed25519"
  for node in $(seq 1 "$NODES"); do start_sshd "$node"; done
  wait_for_nodes sshd sshd.log sshd_answers
}

daemon_answers() { node_docker "$1" info >/dev/null 2>&1; }
sshd_answers() { ssh-keyscan -T 2 -t ed25519 "$(node_address "$1")" >/dev/null 2>&1; }

# Until CHECK (given a node's number) succeeds on every node; at the timeout the node's LOG ends the error.
wait_for_nodes() {
  local what="$1" log="$2" check="$3" node deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  for node in $(seq 1 "$NODES"); do
    until "$check" "$node"; do
      if [ $SECONDS -ge $deadline ]; then
        tail -20 "$(node_dir "$node")/$log" >&2
        fail "$what of node $node ($(node_address "$node")) did not answer within ${START_TIMEOUT_SECONDS}s (its log, $(node_dir "$node")/$log, ends above)."
      fi
      sleep 0.3
    done
  done
}

form_swarm() {
  local manager_address token node
  manager_address="$(node_address 1)"
  node_docker 1 swarm init --advertise-addr "$manager_address" --listen-addr "$manager_address:2377" >/dev/null
  token="$(node_docker 1 swarm join-token --quiet worker)"
  for node in $(seq 2 "$NODES"); do
    node_docker "$node" swarm join --token "$token" --advertise-addr "$(node_address "$node")" "$manager_address:2377" >/dev/null
  done
  local deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until [ "$(node_docker 1 node ls --format '{{.Status}}' | grep -c '^Ready$')" -eq "$NODES" ]; do
    [ $SECONDS -lt $deadline ] || { node_docker 1 node ls >&2; fail "the swarm's $NODES nodes were not all Ready within ${START_TIMEOUT_SECONDS}s."; }
    sleep 0.5
  done
}

write_state() {
  local node comma="" manager="null"
  $SWARM && manager="\"$(hostname_of 1)\""
  {
    printf '{\n  "name": "%s",\n  "bridge": "%s",\n  "subnet": "%s.0/24",\n  "gateway": "%s.1",\n' "$NAME" "$BRIDGE" "$PREFIX" "$PREFIX"
    printf '  "registry": %s,\n  "registryStarted": %s,\n  "manager": %s,\n' "$([ -n "$REGISTRY" ] && echo "\"127.0.0.1:$REGISTRY_PORT\"" || echo null)" "$REGISTRY_STARTED" "$manager"
    printf '  "environments": %s,\n' "$([ -f "$ENVIRONMENTS_FILE" ] && echo "\"$ENVIRONMENTS_FILE\"" || echo null)"
    if $SSH; then
      printf '  "ssh": {"user": "root", "key": "%s", "knownHosts": "%s"},\n' "$LAB_DIR/ssh/id_ed25519" "$LAB_DIR/ssh/known_hosts"
    else
      printf '  "ssh": null,\n'
    fi
    printf '  "nodes": [\n'
    for node in $(seq 1 "$NODES"); do
      printf '%s    {"name": "%s", "namespace": "%s", "dockerHost": "unix://%s", "address": "%s", "srv": "%s", "pid": %s}' \
        "$comma" "$(hostname_of "$node")" "$(namespace "$node")" "$(socket_of "$node")" "$(node_address "$node")" \
        "$(node_dir "$node")/srv" "$(cat "$(node_dir "$node")/docker.pid")"
      comma=$',\n'
    done
    printf '\n  ]\n}\n'
  } >"$STATE_FILE"
}

# The environments file's "defaults", what the lab's environments share. $1: the registry, as JSON
# ("127.0.0.1:PORT" or null); $2, $3: the deploy and backup folders.
environments_defaults() {
  cat <<JSON
  "defaults": {
    "composeProject": "qts-observer",
    "network": "qts-network",
    "imageRepository": "$(lab_repository)/qts-observer",
    "registry": $1,
    "registryTls": false,
    "port": $SERVICE_PORT,
    "deployDirectory": "$2",
    "dataDirectory": "$SERVICE_SRV/data",
    "logDirectory": "$SERVICE_SRV/logs",
    "configDirectory": "$SERVICE_SRV/config",
    "backupDirectory": "$3",
    "protected": false,
    "requireVerifiedRelease": false,
    "automaticRollback": true,
    "bootstrapBaseImage": true,
    "settleSeconds": 2,
    "healthIntervalSeconds": 1,
    "healthTimeoutSeconds": 90,
    "backupsToKeep": 3,
    "releasesToKeep": 3,
    "minFreeDiskMb": 100,
    "minMemoryMb": 256,
    "maxDiskUsedPercent": 95,
    "cpuLimit": 1.0,
    "memoryLimitMb": 512
  },
JSON
}

# The pipeline's environments file for a swarm with a registry: 'cluster' on the swarm through the
# manager's socket. Its deploy directory is on the manager's host, which for a unix:// manager is this
# machine: the manager's /srv as seen from here, so that it goes with the lab. Backups are written on
# each node into its own /srv, as its data is.
write_cluster_environments() {
  local replicas=1 order=start-first manager_srv
  [ "$NODES" -ge 3 ] && replicas=2
  # A start-first replacement needs a node without a task (one task a node): a single node stops first.
  [ "$NODES" -eq 1 ] && order=stop-first
  manager_srv="$(node_dir 1)/srv${SERVICE_SRV#/srv}"
  {
    echo "{"
    environments_defaults "\"127.0.0.1:$REGISTRY_PORT\"" "$manager_srv/deploy" "$SERVICE_SRV/backups"
    cat <<JSON
  "cluster": {
    "description": "The swarm of lab $NAME ($NODES nodes), made by build/lab.sh",
    "engine": "swarm",
    "dockerHost": "unix://$(socket_of 1)",
    "healthUrl": "http://$(node_address 1):$SERVICE_PORT/health",
    "replicas": $replicas,
    "updateParallelism": 1,
    "updateDelaySeconds": 0,
    "monitorSeconds": 3,
    "updateOrder": "$order"
  }
}
JSON
  } >"$ENVIRONMENTS_FILE"
}

# The pipeline's environments file for independent hosts over ssh: 'fleet' lists every node as a host,
# ssh://root@ADDRESS, rolled out one at a time. Every folder is under the node's own /srv, which the
# node's sshd sees: each host keeps its releases, history, lock and backups there. The engine's health
# check every 3 s: three failed in a row make a container unhealthy, which 1 s checks (each given 3 s)
# reached on a loaded machine.
write_fleet_environments() {
  local node comma=""
  {
    echo "{"
    environments_defaults "$([ -n "$REGISTRY" ] && echo "\"127.0.0.1:$REGISTRY_PORT\"" || echo null)" "$SERVICE_SRV/deploy" "$SERVICE_SRV/backups"
    cat <<JSON
  "fleet": {
    "description": "The $NODES hosts of lab $NAME over ssh, made by build/lab.sh",
    "containerName": "qts-observer",
    "strategy": "start-first",
    "bind": "0.0.0.0",
    "healthIntervalSeconds": 3,
    "rollout": {"groupSize": 1, "waitSeconds": 0},
    "hosts": [
JSON
    for node in $(seq 1 "$NODES"); do
      printf '%s      {"name": "%s", "dockerHost": "ssh://root@%s", "healthUrl": "http://%s:%s/health"}' \
        "$comma" "$(hostname_of "$node")" "$(node_address "$node")" "$(node_address "$node")" "$SERVICE_PORT"
      comma=$',\n'
    done
    printf '\n    ]\n  }\n}\n'
  } >"$ENVIRONMENTS_FILE"
}

# The command that deploys to the lab's environment, for the output and status.
deploy_command() {
  if grep -q '"fleet"' "$ENVIRONMENTS_FILE"; then
    echo "QTSOPS_SSH_KNOWN_HOSTS=\"\$(cat $LAB_DIR/ssh/known_hosts)\" ./build.sh --env=fleet --environments=$ENVIRONMENTS_FILE --ssh-key-file=$LAB_DIR/ssh/id_ed25519"
  else
    echo "./build.sh --env=cluster --environments=$ENVIRONMENTS_FILE"
  fi
}

print_nodes() {
  local node role
  echo "lab $NAME: $NODES node(s) on bridge $BRIDGE ($PREFIX.1/24 here)"
  for node in $(seq 1 "$NODES"); do
    role=""
    if $SWARM; then role="$([ "$node" -eq 1 ] && echo manager || echo worker)"; fi
    printf '%s  unix://%s  %s  /srv=%s  %s\n' "$(hostname_of "$node")" "$(socket_of "$node")" "$(node_address "$node")" "$(node_dir "$node")/srv" "$role"
  done
  if [ -n "$REGISTRY" ]; then echo "registry: 127.0.0.1:$REGISTRY_PORT on every node is this machine's$($REGISTRY_STARTED && echo " (the lab's, $LAB_DIR/registry)")"; fi
  if $SSH; then echo "ssh: root@ADDRESS with -i $LAB_DIR/ssh/id_ed25519 -o UserKnownHostsFile=$LAB_DIR/ssh/known_hosts"; fi
  if [ -f "$ENVIRONMENTS_FILE" ]; then
    echo "environments: $ENVIRONMENTS_FILE; deploy to it with: $(deploy_command)"
  elif $SWARM; then
    echo "environments: none (give --registry 127.0.0.1:PORT too: a swarm's nodes pull the release from a registry)"
  fi
  echo "state: $STATE_FILE"
}

remove_failed_up() {
  local code=$?
  [ "$code" -eq 0 ] && return
  say "up failed: removing what it made"
  down
  exit "$code"
}

up() {
  require_root_and_tools
  down
  # Whatever fails or stops it from here on leaves nothing behind.
  trap remove_failed_up EXIT
  trap 'exit 130' INT TERM
  local node
  PREFIX="$(choose_subnet)"
  mkdir -p "$LAB_DIR"
  # The nodes' data roots on a tmpfs: their images come and go with the lab (removing them from this
  # machine's disk took longer than the rest of the lab's life).
  mount -t tmpfs -o mode=755 "qtsops-lab-$NAME" "$LAB_DIR"
  ip link add "$BRIDGE" type bridge
  ip addr add "$PREFIX.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Docker's FORWARD policy is DROP: the nodes' traffic to each other crosses this bridge.
  iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$RULE_COMMENT" -j ACCEPT
  for node in $(seq 1 "$NODES"); do
    mkdir -p "$(node_dir "$node")"
    add_node_network "$node"
  done
  if [ -n "$REGISTRY" ]; then
    start_registry
    start_registry_forwarders
  fi
  for node in $(seq 1 "$NODES"); do start_daemon "$node"; done
  wait_for_nodes dockerd dockerd.log daemon_answers
  if $SWARM; then form_swarm; fi
  if $SSH; then start_sshds; fi
  if $SWARM && [ -n "$REGISTRY" ]; then
    write_cluster_environments
  elif ! $SWARM && $SSH; then
    write_fleet_environments
  fi
  write_state
  trap - EXIT INT TERM
  print_nodes
}

status() {
  local found=false node pid
  if [ -d "$LAB_DIR" ]; then found=true; echo "folder: $LAB_DIR"; fi
  if [ -f "$STATE_FILE" ]; then echo "state: $STATE_FILE"; fi
  if [ -f "$ENVIRONMENTS_FILE" ]; then echo "environments: $ENVIRONMENTS_FILE ($(deploy_command))"; fi
  if [ -f "$LAB_DIR/registry.pid" ] && kill -0 "$(cat "$LAB_DIR/registry.pid")" 2>/dev/null; then
    found=true
    echo "registry: the lab's, pid $(cat "$LAB_DIR/registry.pid"), at $(sed -n 's/^  addr: //p' "$LAB_DIR/registry/config.yml")"
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then found=true; echo "bridge: $BRIDGE $(ip -4 -o addr show dev "$BRIDGE" | awk '{print $4}')"; fi
  if iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment "$RULE_COMMENT" -j ACCEPT 2>/dev/null; then found=true; echo "iptables: FORWARD -i $BRIDGE -o $BRIDGE ACCEPT"; fi
  for node in $(existing_nodes); do
    found=true
    pid="$(cat "$(node_dir "$node")/docker.pid" 2>/dev/null || echo none)"
    if node_docker "$node" info >/dev/null 2>&1; then
      echo "$(hostname_of "$node"): namespace $(namespace "$node"), dockerd $pid answers on unix://$(socket_of "$node"), swarm: $(node_docker "$node" info --format '{{.Swarm.LocalNodeState}}{{if .Swarm.ControlAvailable}} (manager){{end}}')"
    else
      echo "$(hostname_of "$node"): namespace $(namespace "$node"), no dockerd answers on unix://$(socket_of "$node")"
    fi
  done
  if ! $found; then echo "lab $NAME: nothing exists"; exit 3; fi
}

COMMAND="${1:-}"
[ $# -gt 0 ] && shift
parse_options "$@"
case "$COMMAND" in
  up) up ;;
  down) require_root_and_tools; down; say "lab $NAME is down" ;;
  status) status ;;
  *) usage ;;
esac
