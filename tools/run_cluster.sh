#!/usr/bin/env bash
# `make run-cluster`: newswire scaled out on NATS JetStream, on this machine.
# Three nats-servers (Debian's binary, JetStream on, one cluster) and two
# newswire replicas on them, all on loopback, with their data under a
# temporary directory that is removed on exit. examples/ is published
# through the first replica; both serve the same feed.
#
#   tools/run_cluster.sh BUILD/newswire
set -euo pipefail

bin=${1:?usage: tools/run_cluster.sh PATH/TO/newswire}
nats_ports=(4222 4223 4224)
route_ports=(6222 6223 6224)
replicas=(127.0.0.1:50051 127.0.0.1:50052)

command -v nats-server >/dev/null || { echo "nats-server is not installed (make deps)" >&2; exit 1; }
dir=$(mktemp -d -t newswire-cluster.XXXXXX)
pids=()
cleanup() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# Messages as large as the largest article (each text field may hold 4 MiB).
printf 'max_payload: 16MB\n' > "$dir/nats.conf"
urls=()
for i in 0 1 2; do
  routes=()
  for j in 0 1 2; do
    [ "$j" = "$i" ] || routes+=("nats://127.0.0.1:${route_ports[j]}")
  done
  nats-server -c "$dir/nats.conf" -a 127.0.0.1 -p "${nats_ports[i]}" -js -sd "$dir/nats$i" --server_name "n$i" \
    --cluster_name newswire --cluster "nats://127.0.0.1:${route_ports[i]}" \
    --routes "$(IFS=,; echo "${routes[*]}")" -l "$dir/nats$i.log" &
  pids+=($!)
  urls+=("nats://127.0.0.1:${nats_ports[i]}")
done
log=$(IFS=,; echo "${urls[*]}")

# One key pepper for both replicas: API keys are the cluster's (README:
# Scale-out), and a key's hash made on one replica is checked on the other.
mkdir -p "$dir/replica0" "$dir/replica1"
(umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$dir/replica0/key-pepper")
cp -p "$dir/replica0/key-pepper" "$dir/replica1/key-pepper"

for i in 0 1; do
  load=()
  [ "$i" = 0 ] && load=(--load examples)
  "$bin" serve --listen "${replicas[i]}" --data "$dir/replica$i" --log "$log" "${load[@]}" \
    > "$dir/replica$i.out" 2>&1 &
  pids+=($!)
done
for i in 0 1; do
  for _ in $(seq 600); do
    grep -q "listening on" "$dir/replica$i.out" && break
    kill -0 "${pids[3 + i]}" 2>/dev/null || { cat "$dir/replica$i.out" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "listening on" "$dir/replica$i.out" || { cat "$dir/replica$i.out" >&2; exit 1; }
done

cat <<INFO

newswire cluster: NATS JetStream on ${urls[*]} (stream NEWSWIRE, 3 copies),
newswire replicas on ${replicas[*]}, examples/ published through the first.
Data in $dir (removed on exit). In another terminal:
  $bin tail --server ${replicas[0]} --from earliest
  $bin tail --server ${replicas[1]} --from earliest     (the same sequences)
  $bin publish --server ${replicas[1]} examples/*.txt  (duplicates: already in the log)
API keys made through either replica hold on both (they share one key-pepper).
Stop with Ctrl-C.

INFO
wait -n "${pids[@]}"
echo "a process of the cluster exited; stopping the rest" >&2
