#!/usr/bin/env bash
# `npm run demo`: a 3-node vigil cluster on this machine, then a node failure.
# Starts a 3-member etcd on loopback and three vigild daemons (n1, n2, n3), configures four
# Dummy resources, shows status, SIGKILLs one node and shows its resources running elsewhere.
# Everything it starts is stopped by PID and its temp dir removed on exit (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh demo

demo=$(mktemp -d /tmp/vigil-demo.XXXXXX)
etcd_pids=() vigild_pids=()
cleanup() {
  set +e
  echo; echo "== cleaning up"
  for p in "${vigild_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${vigild_pids[@]}"; do for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$p" 2>/dev/null; done
  for p in "${etcd_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${etcd_pids[@]}"; do for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$p" 2>/dev/null; done
  # placeholder processes of resources the killed node left behind (its guard normally took them)
  for f in "$demo"/state/*@*; do [ -f "$f" ] && p=$(sed -n 's/^pid=//p' "$f") && [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; done
  rm -rf "$demo"
  echo "   stopped all daemons, removed $demo"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
vigil() { node bin/vigil.mjs --socket "$demo/n1/vigild.sock" "$@"; }
# free loopback ports chosen by the kernel
read -r -a ports <<<"$(node -e '
const net = require("net"); const ps = [];
(async () => { for (let i = 0; i < 6; i++) ps.push(await new Promise(r => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); }));
console.log(ps.join(" ")); })();')"

say "starting a 3-member etcd on 127.0.0.1 (ports ${ports[0]} ${ports[1]} ${ports[2]})"
cluster="e1=http://127.0.0.1:${ports[3]},e2=http://127.0.0.1:${ports[4]},e3=http://127.0.0.1:${ports[5]}"
endpoints="http://127.0.0.1:${ports[0]},http://127.0.0.1:${ports[1]},http://127.0.0.1:${ports[2]}"
for i in 1 2 3; do
  c=${ports[$((i - 1))]} p=${ports[$((i + 2))]}
  etcd --name "e$i" --data-dir "$demo/etcd-e$i" --listen-client-urls "http://127.0.0.1:$c" --advertise-client-urls "http://127.0.0.1:$c" \
    --listen-peer-urls "http://127.0.0.1:$p" --initial-advertise-peer-urls "http://127.0.0.1:$p" --initial-cluster "$cluster" \
    --initial-cluster-state new --heartbeat-interval 50 --election-timeout 250 --logger zap --log-outputs stderr --log-level error \
    2>"$demo/etcd-e$i.log" &
  etcd_pids+=($!); disown
done
for _ in $(seq 100); do
  node -e 'fetch(process.argv[1]).then((r) => r.json()).then((b) => process.exit(b.health === "true" ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:${ports[0]}/health" && break
  sleep 0.1
done

say "starting vigild on n1, n2, n3 (logs in $demo/nK/vigild.log)"
mkdir -p "$demo/state"
for n in n1 n2 n3; do
  mkdir -p "$demo/$n"
  cat >"$demo/$n/vigild.conf" <<CONF
node = $n
etcd_endpoints = $endpoints
data_dir = $demo/$n
api_socket = $demo/$n/vigild.sock
resource_tmp_dir = $demo/$n/rsc
shutdown_timeout_ms = 10000
CONF
  node bin/vigild.mjs --config "$demo/$n/vigild.conf" 2>"$demo/$n/vigild.log" &
  vigild_pids+=($!); disown
done
for _ in $(seq 200); do
  members=$(node -e 'import("./dist/daemon/api/client.js").then(async ({ApiClient}) => { try { const i = await new ApiClient(process.argv[1]).nodeInfo(); console.log(i.dc ? i.members.length : 0); } catch { console.log(0); } })' "$demo/n1/vigild.sock")
  [ "$members" = 3 ] && break; sleep 0.1
done

say "configuring four Dummy resources (vigil apply)"
cat >"$demo/demo.crm" <<CRM
property stonith-enabled=false
rsc_defaults resource-stickiness=100
primitive web ocf:vigil:Dummy params state="$demo/state/web@%n" daemon=true op monitor interval=2s timeout=10s
primitive db ocf:vigil:Dummy params state="$demo/state/db@%n" daemon=true op monitor interval=2s timeout=10s
primitive queue ocf:vigil:Dummy params state="$demo/state/queue@%n" daemon=true op monitor interval=2s timeout=10s
primitive cache ocf:vigil:Dummy params state="$demo/state/cache@%n" daemon=true op monitor interval=2s timeout=10s
CRM
cat "$demo/demo.crm"
vigil --yes apply "$demo/demo.crm"
# where the agents say each resource runs: state file present and its process alive
where() { for f in "$demo"/state/"$1"@*; do [ -f "$f" ] || continue; p=$(sed -n 's/^pid=//p' "$f"); [ -n "$p" ] && [ -d "/proc/$p" ] && ! grep -q ') Z' "/proc/$p/stat" && echo "${f##*@}"; done; return 0; }
all_running_once() { for r in web db queue cache; do [ "$(where "$r" | wc -l)" = 1 ] || return 1; done; }
for _ in $(seq 200); do all_running_once && break; sleep 0.1; done
sleep 1
say "cluster status"
vigil status

victim=$(where web)
lost=$(for r in web db queue cache; do [ "$(where "$r")" = "$victim" ] && echo "$r"; done | tr '\n' ' ')
say "killing node $victim (SIGKILL to its vigild) — it was running: $lost"
idx=${victim#n}
start_ms=$(date +%s%3N)
kill -KILL "${vigild_pids[$((idx - 1))]}"
for _ in $(seq 300); do
  done_all=1
  for r in $lost; do w=$(where "$r"); [ -n "$w" ] && [ "$w" != "$victim" ] || done_all=0; done
  [ $done_all = 1 ] && break; sleep 0.05
done
echo "   $lost running elsewhere after $(( $(date +%s%3N) - start_ms )) ms (lease TTL 2 s + fencing margin + start)"
if [ "$victim" = n1 ]; then vigil() { node bin/vigil.mjs --socket "$demo/n2/vigild.sock" "$@"; }; fi
sleep 1
say "cluster status after losing $victim"
vigil status
