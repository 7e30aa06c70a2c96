# Sourced by the benchmark scripts: fresh_node starts a new copy of the built distribution (or of $dist) in $work/node
# on embedded Derby (a new database), its HTTP port 8193, and returns once it is UP with its cards recorded and the
# index has seen them. Without arguments the fleet is the shipped sample fleets and the 64 U250 cards of two regions
# with instant programming (benchmarks/fleet-load.cfg); else `fresh_node CONFIGURE PATTERN COUNT` calls CONFIGURE
# with the node's etc/ folder first and waits for COUNT devices whose JSON matches the extended regular expression
# PATTERN. Needs work (the folder of the copy); sets what the scripts share: jar, api (port 8193) and
# HWP_ADMIN_PASSWORD (a random one unless given), and stop_node.
jar=benchmarks/target/hwp-benchmarks.jar
api=http://localhost:8193/hwp/api/v1
export HWP_ADMIN_PASSWORD=${HWP_ADMIN_PASSWORD:-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}

# stop_node: stops the copy in $work/node, if there is one.
stop_node() { [ -d "$work/node" ] && "$work/node/bin/stop" >/dev/null 2>&1 || true; sleep 5; }

load_fleet() { # etc
    cp benchmarks/fleet-load.cfg "$1/org.hwpersonality.backend.sim.fleet-bench.cfg"
}

# new_node: only the new copy in $work/node (a new database), its HTTP port 8193; not started.
new_node() {
    rm -rf "$work" && mkdir -p "$work"
    cp -r "${dist:-karaf-assembly/target/assembly}" "$work/node"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = 8193/" "$work/node/etc/org.ops4j.pax.web.cfg"
    grep -q '^org.osgi.service.http.port' "$work/node/etc/org.ops4j.pax.web.cfg" \
        || echo "org.osgi.service.http.port = 8193" >> "$work/node/etc/org.ops4j.pax.web.cfg"
}

fresh_node() {
    local configure=${1:-load_fleet} pattern=${2:-'"localId":"sim-load-'} count=${3:-64}
    new_node
    "$configure" "$work/node/etc"
    "$work/node/bin/start"
    for _ in $(seq 1 240); do # UP, and the cards recorded
        curl -sf "$api/health" >/dev/null \
            && [ "$(curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$api/devices" | grep -Eo "$pattern" | wc -l)" -ge "$count" ] \
            && break
        sleep 1
    done
    sleep 5 # the index refreshes the fleet
}
