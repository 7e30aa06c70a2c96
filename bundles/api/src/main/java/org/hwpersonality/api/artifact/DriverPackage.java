package org.hwpersonality.api.artifact;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * A driver package in the driver repository: its manifest (name, version, OS family, kernel range, CPU
 * architecture, the personalities it serves, files and load instructions), the archive's SHA-256 and size,
 * and the repository's Ed25519 signature over the manifest and digest.
 *
 * @param serves Personality IDs, profile names or {@code family:NAME} selectors this package serves
 * @param loadInstructions shell commands, run in order from the unpacked package directory
 */
public record DriverPackage(
        String id,
        String name,
        String version,
        String osFamily,
        KernelRange kernels,
        String architecture,
        List<String> serves,
        List<DriverFile> files,
        List<String> loadInstructions,
        Sha256 archiveSha256,
        long sizeBytes,
        String signature,
        Instant storedAt) {
    private static final Pattern VERSION = Pattern.compile("\\d{1,9}(\\.\\d{1,9}){0,3}([-+][A-Za-z0-9.]{1,64})?");
    private static final Pattern ARCH = Pattern.compile("x86_64|aarch64|ppc64le|s390x|riscv64|noarch");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    /** A selector of {@link #serves} that names a device family: {@code family:NAME}. */
    public static final String FAMILY = "family:";

    public DriverPackage {
        Checks.id("id", id);
        Checks.id("name", name);
        Checks.matches("version", version, VERSION, "must be a version such as 2.1.0");
        Checks.name("osFamily", osFamily);
        Checks.notNull("kernels", kernels);
        Checks.matches(
                "architecture", architecture, ARCH, "must be one of x86_64, aarch64, ppc64le, s390x, riscv64, noarch");
        serves = Checks.nonEmptyList("serves", serves, 256);
        for (int i = 0; i < serves.size(); i++) {
            String selector = serves.get(i);
            Checks.id(
                    "serves[" + i + "]", selector.startsWith(FAMILY) ? selector.substring(FAMILY.length()) : selector);
        }
        files = Checks.nonEmptyList("files", files, 10_000);
        Checks.unique("files", files, DriverFile::path, "path");
        loadInstructions = Checks.list("loadInstructions", loadInstructions, 64);
        for (int i = 0; i < loadInstructions.size(); i++) {
            Checks.text("loadInstructions[" + i + "]", loadInstructions.get(i), 1024);
        }
        Checks.notNull("archiveSha256", archiveSha256);
        Checks.positive("sizeBytes", sizeBytes);
        Checks.notNull("signature", signature);
        if (signature.length() > 1024 || !BASE64.matcher(signature).matches()) {
            throw new ValidationException("signature", "must be base64 of at most 1024 characters");
        }
        Checks.notNull("storedAt", storedAt);
    }

    /** Whether this package can be loaded by the guest (OS family and, when stated, kernel). */
    public boolean supports(OsInfo os) {
        return osFamily.equals(os.family())
                && os.kernel().map(kernels::contains).orElse(true);
    }

    /** Whether it serves this personality, by ID, profile name or profile family. */
    public boolean serves(String personalityId, String profileName, String family) {
        return serves.contains(personalityId) || serves.contains(profileName) || serves.contains(FAMILY + family);
    }

    /**
     * How well this package fits a profile on a guest: 2 for the package the profile names for that OS ({@code
     * osSupport.driverName}), 1 for another that serves it (by Personality ID, profile name or family), 0 when it
     * does not serve the profile or the guest. Among equals the highest version wins.
     */
    public int affinity(String personalityId, String profileName, String family, String driverName, OsInfo os) {
        if (!supports(os) || !serves(personalityId, profileName, family)) {
            return 0;
        }
        return name.equals(driverName) ? 2 : 1;
    }

    /** The version as numbers for ordering ({@code 2.10.0 > 2.9.3}); a pre-release suffix sorts below its release. */
    public int compareVersion(DriverPackage other) {
        return compareVersions(version, other.version);
    }

    static int compareVersions(String a, String b) {
        String[] pa = a.split("[-+]", 2);
        String[] pb = b.split("[-+]", 2);
        String[] na = pa[0].split("\\.");
        String[] nb = pb[0].split("\\.");
        for (int i = 0; i < Math.max(na.length, nb.length); i++) {
            long x = i < na.length ? Long.parseLong(na[i]) : 0;
            long y = i < nb.length ? Long.parseLong(nb[i]) : 0;
            if (x != y) {
                return Long.compare(x, y);
            }
        }
        boolean preA = pa.length > 1 && a.charAt(pa[0].length()) == '-';
        boolean preB = pb.length > 1 && b.charAt(pb[0].length()) == '-';
        return Boolean.compare(!preA, !preB);
    }
}
