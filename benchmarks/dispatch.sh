#!/usr/bin/env bash
#
# What dispatching programming to a host node adds over a local call (issue 18): the same one-card fleet, programmed
# by the node that matched (one node, api+host) and by a host node through a task (an api node and a host node), on
# one throw-away PostgreSQL. Every request reprograms the card's one region (DispatchLatency alternates two images).
# Each configuration starts fresh; DispatchLatency runs RUNS times against it (100 warm-up + 400 measured requests).
#
#   benchmarks/dispatch.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-dispatch}
runs=${RUNS:-5}
pgport=${PGPORT:-55433}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
jar=benchmarks/target/hwp-benchmarks.jar
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_pg() {
    rm -rf "$work" && mkdir -p "$work/pg" && chmod 777 "$work" && chown -R postgres "$work/pg" 2>/dev/null || true
    as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U hwp >/dev/null
    as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -o "-p $pgport -k $work/pg -c max_connections=200" -l "$work/pg/log" -w start >/dev/null
}
stop_pg() { as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null || true; }

# node NAME ROLES HTTP-PORT OFFSET WITH-FLEET
node() {
    local d="$work/$1"
    cp -r karaf-assembly/target/assembly "$d"
    rm -f "$d"/etc/org.hwpersonality.backend.sim.fleet-*.cfg
    cat > "$d/etc/org.ops4j.datasource-hwp.cfg" <<CFG
osgi.jdbc.driver.name = PostgreSQL JDBC Driver
url = jdbc:postgresql://127.0.0.1:$pgport/postgres
user = hwp
password =
dataSourceName = hwp
pool = hikari
xa = false
hikari.maximumPoolSize = 16
hikari.autoCommit = false
CFG
    printf 'id = %s\nroles = %s\n' "$1" "$2" > "$d/etc/org.hwpersonality.node.cfg"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $3/" "$d/etc/org.ops4j.pax.web.cfg"
    grep -q '^org.osgi.service.http.port' "$d/etc/org.ops4j.pax.web.cfg" || echo "org.osgi.service.http.port = $3" >> "$d/etc/org.ops4j.pax.web.cfg"
    sed -i "s/^sshPort *=.*/sshPort = $((8101 + $4))/" "$d/etc/org.apache.karaf.shell.cfg"
    sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $((1099 + $4))/; s/^rmiServerPort *=.*/rmiServerPort = $((44444 + $4))/" "$d/etc/org.apache.karaf.management.cfg"
    if [ "$5" = yes ]; then
        cat > "$d/etc/org.hwpersonality.backend.sim.fleet-bench.cfg" <<CFG
idPrefix = bench-
devices = 1
vendor = xilinx
model = Simulated Alveo U250 (DFX shell, 1 region)
family = alveo-u250
interfaceId = a7c3e1f0b25011ee8c900242ac120251
regions = 1
partial = true
regionLuts = 400000
regionRegisters = 800000
regionBramBlocks = 600
regionDsps = 2000
regionMemoryMb = 8192
portBandwidthMBps = 1000000000
setupMs = 0
CFG
    fi
    "$d/bin/start"
}

await() { # URL of the api node: UP, the samples in, one ONLINE card
    for _ in $(seq 1 240); do
        if curl -sf "$1/health" >/dev/null \
            && curl -sf -u karaf:karaf "$1/devices" | grep -q '"state":"ONLINE"' \
            && [ "$(curl -sf -u karaf:karaf "$1/profiles" | grep -o '"personalityId"' | wc -l)" -ge 13 ]; then
            sleep 5 # the api node's index refreshes the fleet every few seconds
            return 0
        fi
        sleep 1
    done
    echo "not ready: $1" >&2; return 1
}

measure() {
    for r in $(seq 1 "$runs"); do
        echo "-- $1, run $r"
        java -cp "$jar" org.hwpersonality.benchmarks.load.DispatchLatency --server "$2" --requests 400 --warmup 100
    done
}

stop_all() { for d in "$work"/node-*; do [ -d "$d" ] && "$d/bin/stop" >/dev/null 2>&1 || true; done; sleep 5; stop_pg; }
trap stop_all EXIT

echo "== local call: one node (api,host) programs its own card"
start_pg
node node-a api,host 8191 10 yes
await http://localhost:8191/hwp/api/v1
measure local http://localhost:8191/hwp/api/v1
stop_all

echo "== dispatched: an api node, the card on a host node"
start_pg
node node-a api 8191 10 no
node node-b host 8192 20 yes
await http://localhost:8191/hwp/api/v1
measure dispatched http://localhost:8191/hwp/api/v1
