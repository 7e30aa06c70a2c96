package org.hwpersonality.attach.libvirt.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A recording stand-in for {@code virsh}, in front of the real one. libvirt's test driver ({@code test:///FILE},
 * Debian's libvirt-clients) answers everything but hot-plug: {@code attach-device} and {@code detach-device} end
 * with "this function is not supported by the connection driver: virDomainAttachDeviceFlags" (virsh 9.0, checked on
 * this machine). So this script passes every other command to the real virsh, and does those two itself: it checks
 * the domain with the real virsh, keeps the attached {@code <hostdev>} per domain in files, answers with libvirt's
 * and virsh's own messages, and shows the attached devices in {@code dumpxml}'s real output. It logs every call
 * with the XML file it was given, so a test can check the exact XML and the order of calls.
 *
 * <p>The messages are libvirt's (9.0 and 11.3 sources): virsh's {@code error: Failed to attach device from FILE}
 * ({@code tools/virsh-domain.c}, cmdAttachDevice/cmdDetachDevice), then libvirt's error with its code's prefix
 * ({@code src/util/virerror.c}): a missing hostdev on detach, {@code device not found: host pci device
 * 0000:3b:00.1 not found} ({@code qemuDomainDetachPrepHostdev}); a function another domain holds, {@code Requested
 * operation is not valid: PCI device 0000:3b:00.1 is in use by driver QEMU, domain X}
 * ({@code virHostdevIsPCINodeDeviceUsed}); a domain not running, {@code Requested operation is not valid: domain is
 * not running} ({@code virDomainObjUpdateModificationImpact}). On failure virsh also prints an empty line on
 * standard output and exits with 1.
 */
public final class RecordingVirsh {
    public static final Path REAL = Path.of("/usr/bin/virsh");

    private static final String SCRIPT = """
            #!/bin/bash
            D='@DIR@'
            REAL='@REAL@'
            printf '%s\\n' "$*" >> "$D/calls.log"
            printf '%s\\n' "${LC_ALL:-unset}" > "$D/locale"
            uri="$2"; cmd="$3"; dom="$5"; file="$7"
            # the domain's name, whether it was given by name, ID or UUID
            name_of() { "$REAL" -c "$1" dumpxml --domain "$2" 2>/dev/null | grep -o '<name>[^<]*' | head -1 | cut -c7-; }
            key_of() { grep -o "domain='0x[0-9a-f]*' bus='0x[0-9a-f]*' slot='0x[0-9a-f]*' function='0x[0-9a-f]*'" "$1" \\
                | head -1 | tr -d "'" | tr ' =' '__'; }
            pci_of() { sed -E "s/domain_0x([0-9a-f]+)_bus_0x([0-9a-f]+)_slot_0x([0-9a-f]+)_function_0x([0-9a-f]+)/\\1:\\2:\\3.\\4/" <<< "$1"; }
            case "$cmd" in
              attach-device|detach-device)
                { echo "--- $cmd $dom"; cat "$file"; } >> "$D/files.log"
                if ! state=$("$REAL" -c "$uri" domstate --domain "$dom" 2> "$D/err"); then
                  cat "$D/err" >&2; echo; exit 1
                fi
                name=$(name_of "$uri" "$dom")
                key=$(key_of "$file"); pci=$(pci_of "$key")
                mkdir -p "$D/domains/$name"
                verb=attach; [ "$cmd" = detach-device ] && verb=detach
                if [ "$(head -1 <<< "$state")" != running ]; then
                  echo "error: Failed to $verb device from $file" >&2
                  echo "error: Requested operation is not valid: domain is not running" >&2
                  echo; exit 1
                fi
                if [ -e "$D/$verb.refuse" ]; then
                  echo "error: Failed to $verb device from $file" >&2
                  cat "$D/$verb.refuse" >&2
                  echo; exit 1
                fi
                if [ "$cmd" = attach-device ]; then
                  for other in "$D"/domains/*; do
                    if [ "$other" != "$D/domains/$name" ] && [ -e "$other/$key.xml" ]; then
                      echo "error: Failed to attach device from $file" >&2
                      echo "error: Requested operation is not valid: PCI device $pci is in use by driver QEMU, domain $(basename "$other")" >&2
                      echo; exit 1
                    fi
                  done
                  cp "$file" "$D/domains/$name/$key.xml"
                  echo "Device attached successfully"; echo
                else
                  if [ ! -e "$D/domains/$name/$key.xml" ]; then
                    echo "error: Failed to detach device from $file" >&2
                    echo "error: device not found: host pci device $pci not found" >&2
                    echo; exit 1
                  fi
                  rm "$D/domains/$name/$key.xml"
                  echo "Device detached successfully"; echo
                fi ;;
              dumpxml)
                "$REAL" -c "$uri" "${@:3}" > "$D/xml" 2> "$D/err" || { cat "$D/err" >&2; exit 1; }
                name=$(name_of "$uri" "$dom")
                while IFS= read -r line; do
                  if [ "$line" = "  </devices>" ]; then
                    for f in "$D"/domains/"$name"/*.xml; do
                      [ -e "$f" ] || continue
                      sed -e 's/^/    /' -e "s|    </source>|    </source>\\n      <alias name='hostdev0'/>|" "$f"
                    done
                  fi
                  printf '%s\\n' "$line"
                done < "$D/xml" ;;
              *)
                exec "$REAL" "$@" ;;
            esac
            """;

    public final Path dir;
    public final Path script;

    public RecordingVirsh(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("domains"));
        this.script = dir.resolve("virsh");
        Files.writeString(
                script,
                SCRIPT.replace("@DIR@", dir.toString()).replace("@REAL@", REAL.toString()),
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * Writes a node file of libvirt's test driver ({@code test://FILE}): {@code running} domains, then {@code shutOff}
     * ones ({@code test:runstate} 5). Each virsh call reads it anew, so rewriting it makes domains come and go.
     */
    public static Path node(Path file, List<String> running, List<String> shutOff) throws IOException {
        StringBuilder xml = new StringBuilder("<node>\n");
        int n = 0;
        for (String name : running) {
            xml.append(domain(name, n++, ""));
        }
        for (String name : shutOff) {
            xml.append(domain(name, n++, "    <test:runstate>5</test:runstate>\n"));
        }
        Files.writeString(file, xml.append("</node>\n").toString(), StandardCharsets.UTF_8);
        return file;
    }

    private static String domain(String name, int n, String extra) {
        return "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                + "    <name>" + name + "</name>\n"
                + String.format("    <uuid>4dea22b3-1d52-d8f3-2516-782e98ab%04x</uuid>%n", n)
                + "    <memory>1048576</memory>\n    <vcpu>1</vcpu>\n    <os><type>hvm</type></os>\n"
                + "    <devices/>\n"
                + extra
                + "  </domain>\n";
    }

    /** The virsh command lines, in order, without the program and {@code -c URI}. */
    public List<String> calls() throws IOException {
        Path log = dir.resolve("calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream()
                .map(l -> l.replaceFirst("^-c \\S+ ", ""))
                .map(l -> l.replaceAll("--file \\S+", "--file F"))
                .toList();
    }

    /** Each attach-device and detach-device call with the XML file it was given. */
    public String files() throws IOException {
        Path log = dir.resolve("files.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Makes the next attach (or detach) fail with these libvirt lines after virsh's "Failed to … device". */
    public void refuse(String verb, String libvirtSays) throws IOException {
        Files.writeString(dir.resolve(verb + ".refuse"), libvirtSays + "\n");
    }

    public void accept(String verb) throws IOException {
        Files.deleteIfExists(dir.resolve(verb + ".refuse"));
    }
}
