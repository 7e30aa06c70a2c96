#!/usr/bin/env bash
# Fake XRT 2.x xbutil for tests. Reads its behaviour from files next to it:
#   host.json, device-<BDF with : as _>.json   reports (@XCLBIN_UUID@ is replaced by the loaded xclbin)
#   loaded-<BDF>                               the loaded xclbin UUID (written by "program", removed by "reset")
#   hang                                       every call sleeps (timeout tests)
#   fail-<subcommand>                          that subcommand prints the file to stderr and exits 1
#   program-noop                               "program" succeeds without loading anything
#   programmed-<BDF>.xclbin                    a copy of the file last given to "program"
#   sensors-<BDF with : as _>.json             the device report for "--report electrical thermal"
# The sensor reports follow XRT's ReportElectrical.cpp / ReportThermal.cpp over core/common/sensor.cpp (keys
# power_consumption_watts, power_consumption_max_watts, power_consumption_warning, thermals[] of location_id,
# description, temp_C, is_present; {"msg": "No sensors present"} for a card without them). The figures of
# 0000:d8:00.1 are the Alveo U55C readings pasted in the README of sanderploegsma/xrt-device-exporter (XRT
# 2022.2): 49.658128 W of 225 W, rails 12v_aux 12.192 V 1.848 A, 12v_pex 12.176 V 1.865 A, 3v3_pex 3.288 V
# 1.344 A, vccint 0.853 V 33.4 A, pcb_top_front 42, pcb_top_rear 39, cage_temp_0 37, fpga0 57, int_vcc 50,
# fpga_hbm 52 °C. 0000:3b:00.1 is a reconstruction of a card whose sensors read nothing ("N/A").
# Each invocation's arguments are appended to calls.log.
dir="$(cd "$(dirname "$0")" && pwd)"
printf '%s\n' "$*" >> "$dir/calls.log"
cmd="$1"
shift
if [[ -f "$dir/hang" ]]; then
    exec sleep 60
fi
if [[ -f "$dir/fail-$cmd" ]]; then
    cat "$dir/fail-$cmd" >&2
    exit 1
fi
device=""
output=""
user=""
reports=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        -d|--device) device="$2"; shift 2 ;;
        -o|--output) output="$2"; shift 2 ;;
        -u|--user) user="$2"; shift 2 ;;
        -r|--report)
            shift
            while [[ $# -gt 0 && "$1" != -* ]]; do reports="$reports $1"; shift; done ;;
        *) shift ;;
    esac
done
key="${device//:/_}"
if [[ -n "$device" && ! -f "$dir/device-$key.json" ]]; then
    echo "ERROR: Specified device BDF '$device' not found" >&2
    exit 1
fi
case "$cmd" in
    examine)
        if [[ -z "$device" ]]; then
            src="$dir/host.json"
        else
            src="$dir/device-$key.json"
        fi
        if [[ -n "$device" && ( "$reports" == *electrical* || "$reports" == *thermal* ) ]]; then
            src="$dir/sensors-$key.json"
        fi
        loaded="00000000-0000-0000-0000-000000000000"
        if [[ -n "$device" && -f "$dir/loaded-$key" ]]; then
            loaded="$(cat "$dir/loaded-$key")"
        fi
        if [[ -n "$device" ]]; then
            printf -- '--------------------------------------------------------\n[%s] : %s\n' "$device" "fake"
        fi
        sed "s/@XCLBIN_UUID@/$loaded/" "$src" > "$output"
        echo "Successfully wrote the json file: $output"
        ;;
    program)
        if [[ ! -f "$dir/program-noop" ]]; then
            h="$(od -An -tx1 -j416 -N16 "$user" | tr -d ' \n')"
            h="${h^^}"
            echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}" > "$dir/loaded-$key"
            cp "$user" "$dir/programmed-$key.xclbin"
        fi
        echo "---------------------------------------------------------"
        echo "[$device] : fake"
        echo "Successfully programmed"
        ;;
    reset)
        echo "Performing 'HOT Reset' on '$device'"
        rm -f "$dir/loaded-$key"
        echo "Successfully reset Device[$device]"
        ;;
    *)
        echo "ERROR: Unknown command '$cmd'" >&2
        exit 1
        ;;
esac
