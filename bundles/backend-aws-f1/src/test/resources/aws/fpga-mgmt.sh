#!/usr/bin/env bash
# Stand-in for the AWS FPGA management tools of the aws-fpga SDK (F1), installed under each tool's name. Output
# formats follow sdk/userspace/fpga_mgmt_tools/src/fpga_local_cmd.c (cli_show_slot_app_pfs, cli_show_image_info,
# the -M metrics) and the examples of sdk/userspace/fpga_mgmt_tools/README.md; failures print
# "Error: (N) NAME" and exit N as main() does, with FPGA_ERR2STR names from sdk/userspace/include/hal/fpga_common.h.
# State next to it:
#   slots.txt            "SLOT DBDF" per FPGA slot
#   shell                the shell version (ShVersion), e.g. 0x04261818
#   afi-SLOT             the AFI loaded in the slot (absent: cleared)
#   clk-SLOT             "A B C" clock-0 frequencies of the loaded AFI
#   known-afis           AFI IDs this account may load (others: invalid-afi-id)
#   afi-shell-AGFI       the shell version an AFI was built for (a different one: shell-version-not-supported)
#   power                Vccint watts
#   clk-cap              the group-A frequency the shell reaches whatever -a asks
# Each call's arguments go to calls.log.
dir="$(cd "$(dirname "$0")" && pwd)"
tool="$(basename "$0")"
echo "$tool $*" >> "$dir/calls.log"
slot=""; afi=""; headers=0; metrics=0; a=""; b=""; c=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        -S|--fpga-image-slot) slot="$2"; shift 2 ;;
        -I|--fpga-image-id) afi="$2"; shift 2 ;;
        -H|--headers) headers=1; shift ;;
        -M|--metrics) metrics=1; shift ;;
        -a|--clock-a0-freq) a="$2"; shift 2 ;;
        -b|--clock-b0-freq) b="$2"; shift 2 ;;
        -c|--clock-c0-freq) c="$2"; shift 2 ;;
        *) echo "Error: (22) Invalid argument"; exit 22 ;;
    esac
done
shell="$(cat "$dir/shell")"
fail() { echo "Error: ($1) $2"; exit "$1"; }
dbdf_of() { awk -v s="$1" '$1 == s { print $2 }' "$dir/slots.txt"; }
show_image() {
    local s="$1" id="none" status="cleared" code=1
    if [[ -f "$dir/afi-$s" ]]; then id="$(cat "$dir/afi-$s")"; status="loaded"; code=0; fi
    [[ $headers == 1 ]] && echo "Type  FpgaImageSlot  FpgaImageId             StatusName    StatusCode   ErrorName    ErrorCode   ShVersion"
    printf '%-10s  %2u       %-22s  %-8s         %2d        %-8s        %2d       %s\n' AFI "$s" "$id" "$status" "$code" ok 0 "$shell"
    [[ $headers == 1 ]] && echo "Type  FpgaImageSlot  VendorId    DeviceId    DBDF"
    if [[ -f "$dir/afi-$s" ]]; then vd="0x1d0f      0xf000"; else vd="0x1d0f      0x1042"; fi
    printf '%-10s  %2u       %s      %s\n' AFIDEVICE "$s" "$vd" "$(dbdf_of "$s")"
}
if [[ "$tool" != fpga-describe-local-image-slots ]]; then
    [[ -z "$slot" ]] && fail 22 "Invalid argument"
    [[ -z "$(dbdf_of "$slot")" ]] && fail 22 "Invalid argument"
fi
case "$tool" in
    fpga-describe-local-image-slots)
        [[ $headers == 1 ]] && echo "Type  FpgaImageSlot  VendorId    DeviceId    DBDF"
        while read -r s d; do
            [[ -z "$s" ]] && continue
            printf '%-10s  %2u       0x1d0f      0x1042      %s\n' AFIDEVICE "$s" "$d"
        done < "$dir/slots.txt" ;;
    fpga-describe-local-image)
        if [[ $metrics == 1 ]]; then
            show_image "$slot"
            echo "Metrics"
            echo "sdacl-slave-timeout=0"
            echo "pcim-write-count=0"
            read -r ca cb cc < <(cat "$dir/clk-$slot" 2>/dev/null || echo "250 250 300")
            echo "Clock Group A Frequency (Mhz)"
            echo "${ca%.*}  $(( ${ca%.*} / 2 ))  $(( ${ca%.*} * 3 / 4 ))  ${ca%.*}  "
            echo "Clock Group B Frequency (Mhz)"
            echo "${cb%.*}  $(( ${cb%.*} / 2 ))  "
            echo "Clock Group C Frequency (Mhz)"
            echo "${cc%.*}  $(( ${cc%.*} * 4 / 3 ))  "
            echo "Power consumption (Vccint):"
            echo "   Last measured: $(cat "$dir/power" 2>/dev/null || echo 0) watts"
            echo "   Average: $(cat "$dir/power" 2>/dev/null || echo 0) watts"
            echo "   Max measured: $(cat "$dir/power" 2>/dev/null || echo 0) watts"
            echo "Cached agfis:"
        else
            show_image "$slot"
        fi ;;
    fpga-load-local-image)
        grep -qx -- "$afi" "$dir/known-afis" 2>/dev/null || fail 5 "invalid-afi-id"
        if [[ -f "$dir/afi-shell-$afi" && "$(cat "$dir/afi-shell-$afi")" != "$shell" ]]; then
            fail 16 "shell-version-not-supported"
        fi
        [[ -f "$dir/clk-cap" ]] && a="$(cat "$dir/clk-cap")"
        echo "$afi" > "$dir/afi-$slot"
        echo "${a:-250} ${b:-250} ${c:-300}" > "$dir/clk-$slot"
        show_image "$slot" ;;
    fpga-clear-local-image)
        rm -f "$dir/afi-$slot" "$dir/clk-$slot"
        show_image "$slot" ;;
esac
