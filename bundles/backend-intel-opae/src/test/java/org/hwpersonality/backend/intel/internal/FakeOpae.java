package org.hwpersonality.backend.intel.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.Resources;

/**
 * Stand-ins for {@code fpgainfo} and {@code fpgaconf}: bash scripts that print what the real tools print (the FME
 * text is a prepared file, the PORT blocks are printed with the real {@code "%-32s : %s"} layout from per-card
 * state files), log their arguments, and (fpgaconf) record the AFU UUID of the GBS they "load" so that the next
 * {@code fpgainfo port} shows it. Switches: files {@code fpgainfo.hang}, {@code fpgaconf.hang},
 * {@code fpgaconf.fail}, {@code fpgaconf.noeffect} in the directory; {@code fpgaconf.fim} holds the PR interface ID
 * fpgaconf finds on the card (a FIM updated since fpgainfo was read); {@code fpgaconf.old} makes it refuse {@code -V}
 * as OPAE 1.3 did.
 *
 * <p>fpgaconf's exit codes and messages follow its source ({@code fpgaconf.c} main() in OPAE 1.4 to 2.x: 1 for
 * arguments, 2 when {@code opae_load_bitstream} fails, 4 "No suitable slots found." with the {@code Expected
 * Interface id:} / {@code Actual Interface id:} lines under {@code -V}, 5 "Error writing bitstream to FPGA: …"), and
 * libopae's {@code OPAE_ERR} format ({@code file:line:function() **ERROR** : …}); the line numbers in the stand-in's
 * OPAE_ERR lines are illustrative.
 */
final class FakeOpae {
    static final Resources CAPACITY = new Resources(365_200, 1_460_800, 1_323, 1_518, 8_192);

    final Path dir;
    final Path fpgainfo;
    final Path fpgaconf;

    private static final String FPGAINFO = """
            #!/bin/bash
            D='@DIR@'
            echo "$*" >> "$D/fpgainfo.log"
            if [ -e "$D/fpgainfo.hang" ]; then sleep 60; fi
            case "$1" in
              fme)
                if [ ! -s "$D/fme.txt" ]; then
                  echo "main.c:181:main() **ERROR** : No FPGA resources found." >&2
                  exit 70
                fi
                cat "$D/fme.txt" ;;
              port)
                while read -r bdf devid; do
                  [ -z "$bdf" ] && continue
                  echo "//****** PORT ******//"
                  printf '%-32s : %s\\n' "Object Id" "0xEF00000"
                  printf '%-32s : %s\\n' "PCIe s:b:d.f" "$bdf"
                  printf '%-32s : %s\\n' "Vendor Id" "0x8086"
                  printf '%-32s : %s\\n' "Device Id" "$devid"
                  printf '%-32s : %s\\n' "Socket Id" "0x00"
                  if [ -s "$D/afu/$bdf" ]; then
                    printf '%-32s : %s\\n' "Accelerator GUID" "$(cat "$D/afu/$bdf")"
                  fi
                done < "$D/ports.txt" ;;
              power|temp)
                if [ -s "$D/$1.txt" ]; then
                  cat "$D/$1.txt"
                else
                  sed "s|//\\*\\** FME \\**//|//****** ${1^^} ******//|" "$D/fme.txt"
                  echo "Error reading metrics from BMC: not supported" >&2
                fi ;;
              *)
                echo "Invalid command specified" >&2
                exit 1 ;;
            esac
            """;

    private static final String FPGACONF = """
            #!/bin/bash
            D='@DIR@'
            echo "$*" >> "$D/fpgaconf.log"
            if [ -e "$D/fpgaconf.hang" ]; then sleep 60; fi
            seg=0; bus=-1; dev=-1; fn=-1; gbs=; verbose=0
            while [ $# -gt 0 ]; do
              case "$1" in
                -V|--verbose) if [ -e "$D/fpgaconf.old" ]; then echo "Invalid cmdline options" >&2; exit 1; fi
                   verbose=1; shift ;;
                --segment) seg=$2; shift 2 ;;
                -B|--bus) bus=$2; shift 2 ;;
                -D|--device) dev=$2; shift 2 ;;
                -F|--function) fn=$2; shift 2 ;;
                -*) echo "Invalid cmdline options" >&2; exit 1 ;;
                *) gbs=$1; shift ;;
              esac
            done
            if [ -z "$gbs" ]; then echo "No GBS file" >&2; exit 1; fi
            if [ ! -f "$gbs" ]; then
              echo "Error locating GBS file specified: \\"No such file or directory\\"" >&2
              exit 1
            fi
            [ $verbose = 1 ] && echo "Reading bitstream"
            if [ "$(head -c 16 "$gbs" | od -An -tx1 | tr -d ' \\n')" != 58656f6e46504741b747425376303031 ] \\
               && [ "$(head -c 4 "$gbs" | od -An -tx1 | tr -d ' \\n')" != 80861f1d ]; then
              echo "bitstream.c:214:opae_load_bitstream() **ERROR** : GBS guid is invalid: \\"$gbs\\"" >&2
              echo "Error: failed to load bitstream file $gbs: invalid parameter" >&2
              exit 2
            fi
            bdf=$(printf '%04X:%02X:%02X.%X' $((seg)) $((bus)) $((dev)) $((fn)))
            [ $verbose = 1 ] && echo "Looking for slot"
            if ! grep -q "^$bdf " "$D/ports.txt"; then echo "No suitable slots found." >&2; exit 4; fi
            if [ -s "$D/fpgaconf.fim" ]; then
              fim=$(cat "$D/fpgaconf.fim")
              mine=$(grep -ao '"interface-uuid": *"[^"]*"' "$gbs" | head -n 1 | sed 's/.*: *"\\([^"]*\\)"/\\1/')
              if [ "$fim" != "$mine" ]; then
                if [ $verbose = 1 ]; then
                  echo "Expected Interface id:  $fim"
                  echo "Actual Interface id:    $mine"
                fi
                echo "No suitable slots found." >&2
                exit 4
              fi
            fi
            [ $verbose = 1 ] && echo "Found slot"
            [ $verbose = 1 ] && echo "Programming bitstream"
            if [ -e "$D/fpgaconf.fail" ]; then
              echo "reconf.c:281:xfpga_fpgaReconfigureSlot() **ERROR** : PR CRC error detected" >&2
              echo "Error writing bitstream to FPGA: reconfiguration error" >&2
              exit 5
            fi
            if [ -e "$D/fpgaconf.noeffect" ]; then exit 0; fi
            afu=$(grep -ao '"accelerator-type-uuid": *"[^"]*"' "$gbs" | head -n 1 | sed 's/.*: *"\\([^"]*\\)"/\\1/')
            mkdir -p "$D/afu" "$D/uclk"
            printf '%s\\n' "$afu" > "$D/afu/$bdf"
            # libopae sets the user clocks the metadata declares (a number, or auto-N) after a reconfiguration.
            hi=$(grep -ao '"clock-frequency-high": *"\\?\\(auto-\\)\\?[0-9.]\\+' "$gbs" | head -n 1 | grep -o '[0-9.]*$')
            lo=$(grep -ao '"clock-frequency-low": *"\\?\\(auto-\\)\\?[0-9.]\\+' "$gbs" | head -n 1 | grep -o '[0-9.]*$')
            if [ -n "$hi" ]; then printf '%s %s\\n' "$hi" "${lo:-0}" > "$D/uclk/$bdf"; else rm -f "$D/uclk/$bdf"; fi
            """;

    /**
     * OPAE's userclk ({@code tools/userclk/main.c}): parses {@code --segment -B -D -F -S -H -L} (anything else:
     * "Invalid cmdline options.", exit 2), echoes the command line block, finds the accelerator at the address
     * (none: libopae's {@code OPAE_ERR} "FPGA Resource not found.", exit 4), prints the approximate frequencies,
     * derives a missing -H or -L from the other, refuses {@code |H - 2L| > 1} (exit 1), sets them and prints them
     * again. Switch: {@code userclk.fail} makes fpgaSetUserClock fail ("Error Failed to set user clock: exception",
     * exit 3, FPGA_EXCEPTION); {@code userclk.pll} holds "HIGH LOW" that the PLL reaches instead of what was asked.
     */
    private static final String USERCLK = """
            #!/bin/bash
            D='@DIR@'
            export LC_ALL=C
            echo "$*" >> "$D/userclk.log"
            if [ $# -lt 1 ]; then echo "Usage:"; echo "userclk"; exit 1; fi
            seg=-1; bus=-1; dev=-1; fn=-1; sock=-1; high=-1; low=-1
            while [ $# -gt 0 ]; do
              case "$1" in
                --segment) seg=$(($2)); shift 2 ;;
                -B|--bus) bus=$(($2)); shift 2 ;;
                -D|--device) dev=$(($2)); shift 2 ;;
                -F|--function) fn=$(($2)); shift 2 ;;
                -S|--socket-id) sock=$(($2)); shift 2 ;;
                -H|--freq-high) high=$(($2)); shift 2 ;;
                -L|--freq-low) low=$(($2)); shift 2 ;;
                *) echo "Invalid cmdline options."; exit 2 ;;
              esac
            done
            echo " ------- Command line Input START ----"
            echo " "
            printf ' Segment               : %d\\n' $seg
            printf ' Bus                   : %d\\n' $bus
            printf ' Device                : %d\\n' $dev
            printf ' Function              : %d\\n' $fn
            printf ' Socket-id             : %d\\n' $sock
            printf ' Freq High             : %d\\n' $high
            printf ' Freq Low              : %d\\n' $low
            echo " ------- Command line Input END   ----"
            echo ""
            s=$seg; [ $s -lt 0 ] && s=0
            bdf=$(printf '%04X:%02X:%02X.%X' $s $bus $dev $fn)
            if ! grep -q "^$bdf " "$D/ports.txt" || [ ! -s "$D/afu/$bdf" ]; then
              echo "main.c:178:main() **ERROR** : FPGA Resource not found." >&2
              exit 4
            fi
            echo "AFU Resource found."
            cur="0 0"; [ -s "$D/uclk/$bdf" ] && cur=$(cat "$D/uclk/$bdf")
            report() { printf '\\nApproximate frequency:\\nHigh clock = %5.1f MHz\\nLow clock  = %5.1f MHz\\n \\n' $1 $2; }
            report $cur
            if [ $high -le 0 ] && [ $low -le 0 ]; then
              echo "main.c:203:main() **ERROR** : Please specify one or both of -H and -L" >&2; exit 1
            elif [ $low -le 0 ]; then low=$((high / 2))
            elif [ $high -le 0 ]; then high=$((low * 2))
            elif [ $((high - 2 * low)) -gt 1 ] || [ $((2 * low - high)) -gt 1 ]; then
              echo "main.c:199:main() **ERROR** : High freq must be ~ (2 * Low freq)" >&2; exit 1
            fi
            if [ -e "$D/userclk.fail" ]; then echo "Error Failed to set user clock: exception" >&2; exit 3; fi
            mkdir -p "$D/uclk"
            if [ -s "$D/userclk.pll" ]; then cat "$D/userclk.pll" > "$D/uclk/$bdf"; else echo "$high $low" > "$D/uclk/$bdf"; fi
            report $(cat "$D/uclk/$bdf")
            """;

    /**
     * OPAE's fpgasupdate (python/opae.admin/opae/admin/tools/fpgasupdate.py) for a GBS: {@code fpgasupdate FILE
     * [SSSS:BB:DD.F]}; it logs to standard output as {@code [%(asctime)-15s] [%(levelname)-8s] %(message)s}, checks
     * the GBS's PR interface against the card's ("PR interface uuid mismatch.", exit 1), runs fpgaconf with
     * {@code --segment --bus --device --function} and returns its exit code, logging its output and "Partial
     * Reconfiguration OK" or "Partial Reconfiguration failed".
     */
    private static final String FPGASUPDATE = """
            #!/bin/bash
            D='@DIR@'
            echo "$*" >> "$D/fpgasupdate.log"
            log() { printf '[%s] [%-8s] %s\\n' "$(date '+%Y-%m-%d %H:%M:%S,000')" "$1" "$2"; }
            file=$1; bdf=$2
            if [ ! -f "$file" ]; then log ERROR "Unknown file format in $file"; exit 1; fi
            if ! [[ "$bdf" =~ ^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])$ ]]; then
              log ERROR "$bdf is not a valid PCIe address. Use ssss:bb:dd.f"; exit 1
            fi
            seg=${BASH_REMATCH[1]}; bus=${BASH_REMATCH[2]}; dev=${BASH_REMATCH[3]}; fn=${BASH_REMATCH[4]}
            upper=$(printf '%s' "$bdf" | tr 'a-f' 'A-F')
            if ! grep -q "^$upper " "$D/ports.txt"; then log ERROR "Failed to find PAC at $bdf"; exit 1; fi
            card=$(grep -A12 "$upper" "$D/fme.txt" | grep -m1 "Pr Interface Id" | sed 's/.*: *//')
            [ -s "$D/fpgaconf.fim" ] && card=$(cat "$D/fpgaconf.fim")
            mine=$(grep -ao '"interface-uuid": *"[^"]*"' "$file" | head -n 1 | sed 's/.*: *"\\([^"]*\\)"/\\1/')
            if [ "$card" != "$mine" ]; then log ERROR "PR interface uuid mismatch."; exit 1; fi
            out=$("$D/fpgaconf" --segment 0x$seg --bus 0x$bus --device 0x$dev --function 0x$fn "$file" 2>&1)
            stat=$?
            if [ $stat -eq 0 ]; then log INFO "$out"$'\\n'"Partial Reconfiguration OK"
            else log ERROR "$out"$'\\n'"Partial Reconfiguration failed"; fi
            exit $stat
            """;

    final Path fpgasupdate;
    final Path userclk;

    FakeOpae(Path dir, String fmeResource, String... ports) throws IOException {
        this.dir = dir;
        Files.writeString(dir.resolve("fme.txt"), fmeResource == null ? "" : FpgaInfoTest.resource(fmeResource));
        Files.writeString(dir.resolve("ports.txt"), String.join("\n", ports) + "\n");
        Files.createDirectories(dir.resolve("afu"));
        this.fpgainfo = script("fpgainfo", FPGAINFO);
        this.fpgaconf = script("fpgaconf", FPGACONF);
        this.fpgasupdate = script("fpgasupdate", FPGASUPDATE);
        this.userclk = script("userclk", USERCLK);
    }

    List<String> userclkCalls() throws IOException {
        Path log = dir.resolve("userclk.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The user clocks the card at {@code bdf} runs ("HIGH LOW" MHz), empty if none were set. */
    String userClocks(String bdf) throws IOException {
        Path f = dir.resolve("uclk").resolve(bdf);
        return Files.exists(f) ? Files.readString(f).strip() : "";
    }

    /** The AFU the port at {@code bdf} (as fpgainfo prints it, e.g. 0000:5E:00.0) shows. */
    FakeOpae loaded(String bdf, String afuUuid) throws IOException {
        Files.writeString(dir.resolve("afu").resolve(bdf), afuUuid + "\n");
        return this;
    }

    /** What {@code fpgainfo power} and {@code temp} print: prepared outputs; without them, no BMC readings. */
    FakeOpae sensors(String powerResource, String tempResource) throws IOException {
        Files.writeString(dir.resolve("power.txt"), FpgaInfoTest.resource(powerResource));
        Files.writeString(dir.resolve("temp.txt"), FpgaInfoTest.resource(tempResource));
        return this;
    }

    FakeOpae fme(String resource) throws IOException {
        Files.writeString(dir.resolve("fme.txt"), FpgaInfoTest.resource(resource));
        return this;
    }

    FakeOpae fmeText(String text) throws IOException {
        Files.writeString(dir.resolve("fme.txt"), text);
        return this;
    }

    FakeOpae ports(String... ports) throws IOException {
        Files.writeString(dir.resolve("ports.txt"), String.join("\n", ports) + "\n");
        return this;
    }

    FakeOpae set(String switchFile) throws IOException {
        Files.writeString(dir.resolve(switchFile), "");
        return this;
    }

    List<String> fpgaconfCalls() throws IOException {
        Path log = dir.resolve("fpgaconf.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    List<String> fpgainfoCalls() throws IOException {
        Path log = dir.resolve("fpgainfo.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    OpaeBackend backend() {
        return backend(Duration.ofSeconds(10), Duration.ofSeconds(10), Optional.empty());
    }

    /** A back end that loads the images of {@code families} with fpgasupdate. */
    OpaeBackend updating(String... families) {
        return new OpaeBackend(
                fpgainfo,
                fpgaconf,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                "pac-a10",
                CAPACITY,
                Optional.empty(),
                fpgasupdate,
                java.util.Set.of(families),
                userclk,
                Optional.empty());
    }

    List<String> fpgasupdateCalls() throws IOException {
        Path log = dir.resolve("fpgasupdate.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    OpaeBackend backend(Duration toolTimeout, Duration programmingTimeout, Optional<Path> blank) {
        return new OpaeBackend(
                fpgainfo,
                fpgaconf,
                toolTimeout,
                programmingTimeout,
                "pac-a10",
                CAPACITY,
                blank,
                fpgasupdate,
                java.util.Set.of(),
                userclk,
                Optional.empty());
    }

    /** A back end whose workload command is {@code command}. */
    OpaeBackend measuring(String command) {
        return new OpaeBackend(
                fpgainfo,
                fpgaconf,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                "pac-a10",
                CAPACITY,
                Optional.empty(),
                fpgasupdate,
                java.util.Set.of(),
                userclk,
                org.hwpersonality.api.backend.WorkloadCommand.of(command, Duration.ofSeconds(10)));
    }

    /** An executable bash script in the tools folder. */
    Path bashScript(String name, String body) throws IOException {
        return script(name, "#!/bin/bash\n" + body);
    }

    private Path script(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text.replace("@DIR@", dir.toAbsolutePath().toString()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
