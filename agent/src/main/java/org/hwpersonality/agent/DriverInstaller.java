package org.hwpersonality.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.hwpersonality.artifacts.signature.DriverSignature;

/**
 * Fetches a driver package, checks it and loads it. A package is used only when its bytes have the SHA-256 the
 * allocation names (and the server's Digest header) and the repository's Ed25519 signature over its ID, archive
 * digest and manifest digest verifies with the pinned public key; it is then unpacked safely (no path leaves the
 * package folder, no links are created) into {@code DRIVER-DIR/PACKAGE-ID-SHA}. Anything else is refused and
 * nothing is loaded.
 *
 * <p>Loading runs the rescan command first, if one is given (the guest finds the accelerator just hot-plugged into
 * it, e.g. {@code echo 1 > /sys/bus/pci/rescan}: the seed's {@code reconfigure_vm_hardware()}), then the load
 * command, or, without one, the package's own {@code loadInstructions}: those of its signed manifest
 * ({@code hwp-driver.json}, whose digest the verified signature covers), never those of the API's answer.
 */
final class DriverInstaller {
    /** Bounds on a package: entries, one file, everything. */
    static final DriverArchive.Limits LIMITS = new DriverArchive.Limits(20_000, 1L << 30, 2L << 30);

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /** A package ready in its folder, for a personality. */
    record Installed(
            String packageId,
            String personalityId,
            String allocationId,
            Path directory,
            List<String> loadInstructions) {}

    /** A package refused or a command failed. */
    static final class InstallException extends Exception {
        private static final long serialVersionUID = 1L;

        InstallException(String message) {
            super(message);
        }
    }

    private final ApiClient api;
    private final Path driverDir;
    private final Supplier<byte[]> publicKey;
    private final Optional<String> loadCommand;
    private final Optional<String> unloadCommand;
    private final Optional<String> rescanCommand;
    private final Duration commandTimeout;

    DriverInstaller(
            ApiClient api,
            Path driverDir,
            Supplier<byte[]> publicKey,
            Optional<String> loadCommand,
            Optional<String> unloadCommand,
            Optional<String> rescanCommand,
            Duration commandTimeout) {
        this.api = api;
        this.driverDir = driverDir;
        this.publicKey = publicKey;
        this.loadCommand = loadCommand;
        this.unloadCommand = unloadCommand;
        this.rescanCommand = rescanCommand;
        this.commandTimeout = commandTimeout;
    }

    /** Downloads, verifies and unpacks the package an allocation answer names. */
    Installed install(JsonNode driver, String personalityId, String allocationId)
            throws ApiException, InstallException {
        String packageId = field(driver, "packageId", ID);
        String expected = field(driver, "sha256", HEX);
        String signature = driver.path("signature").asText("");
        String url = driver.path("url").asText("/hwp/api/v1/drivers/" + packageId + "/content");
        if (!url.equals("/hwp/api/v1/drivers/" + packageId + "/content")) {
            throw new InstallException("refused: the driver URL '" + url + "' is not the package's own");
        }
        Path target = driverDir.resolve(packageId + "-" + expected.substring(0, 12));
        if (Files.isDirectory(target)) {
            Log.info("driver %s already unpacked in %s", packageId, target);
            try {
                byte[] manifest = Files.readAllBytes(target.resolve(DriverArchive.MANIFEST));
                return new Installed(packageId, personalityId, allocationId, target, loadInstructions(manifest));
            } catch (IOException e) {
                throw new InstallException("cannot read the manifest of " + target + ": " + e.getMessage());
            }
        }
        try {
            Files.createDirectories(driverDir);
            Path part = Files.createTempFile(driverDir, "." + packageId + "-", ".download");
            try {
                ApiClient.Download d = api.download(url, part, LIMITS.maxTotalBytes());
                if (!d.sha256().equals(expected)) {
                    throw new InstallException("refused " + packageId + ": its SHA-256 is " + d.sha256()
                            + " but the allocation names " + expected + " (tampered or corrupt)");
                }
                if (d.announcedSha256().isPresent()
                        && !d.announcedSha256().get().equals(expected)) {
                    throw new InstallException("refused " + packageId + ": the server's Digest header "
                            + d.announcedSha256().get() + " differs from " + expected);
                }
                DriverArchive.Contents contents = DriverArchive.read(part, LIMITS);
                Sha256 manifest = Sha256.of(ApiClient.sha256().digest(contents.manifest()));
                byte[] payload = DriverSignature.payload(packageId, Sha256.of(expected), manifest);
                if (!DriverSignature.verify(publicKey.get(), payload, signature)) {
                    throw new InstallException(
                            "refused " + packageId + ": its signature does not verify with the repository's key");
                }
                List<String> instructions = loadInstructions(contents.manifest());
                DriverArchive.unpack(part, LIMITS, target);
                Log.info(
                        "driver %s verified (SHA-256 %s, signature OK) and unpacked in %s",
                        packageId, expected, target);
                return new Installed(packageId, personalityId, allocationId, target, instructions);
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (ValidationException e) {
            throw new InstallException("refused the package: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw new InstallException("cannot write in " + driverDir + ": " + e.getMessage());
        }
    }

    /**
     * Runs the rescan command (if any), then the load command with the package folder and the Personality ID, or
     * else each of the package's signed load instructions, in order, from its folder.
     */
    void load(Installed p) throws InstallException {
        if (rescanCommand.isPresent()) {
            run("rescan", rescanCommand.get(), p, false);
        }
        if (loadCommand.isPresent()) {
            run("load", loadCommand.get(), p, true);
            return;
        }
        if (p.loadInstructions().isEmpty()) {
            throw new InstallException("driver " + p.packageId()
                    + " has no loadInstructions in its manifest and no --load-command was given: nothing loads it");
        }
        for (int i = 0; i < p.loadInstructions().size(); i++) {
            run("load instruction " + (i + 1), p.loadInstructions().get(i), p, false);
        }
    }

    /** The {@code loadInstructions} of a package's manifest: strings, at most 64 of 1,024 characters. */
    static List<String> loadInstructions(byte[] manifest) throws InstallException {
        JsonNode instructions;
        try {
            instructions = ApiClient.JSON.readTree(manifest).path("loadInstructions");
        } catch (IOException e) {
            throw new InstallException("refused the package: its manifest is not JSON: " + e.getMessage());
        }
        if (instructions.isMissingNode() || instructions.isNull()) {
            return List.of();
        }
        if (!instructions.isArray() || instructions.size() > 64) {
            throw new InstallException("refused the package: loadInstructions must be a list of at most 64 commands");
        }
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode i : instructions) {
            if (!i.isTextual() || i.asText().isBlank() || i.asText().length() > 1024) {
                throw new InstallException("refused the package: loadInstructions[" + out.size()
                        + "] must be a command of 1 to 1024" + " characters");
            }
            out.add(i.asText());
        }
        return List.copyOf(out);
    }

    /** Runs the unload command (if any) for a package loaded before. */
    void unload(Installed p) throws InstallException {
        if (unloadCommand.isPresent()) {
            run("unload", unloadCommand.get(), p, true);
        }
    }

    /**
     * {@code sh -c 'COMMAND "$@"' hwp-agent DIR PERSONALITY-ID} (or, for a rescan or a package's own instruction,
     * {@code sh -c COMMAND} as written), from the package folder, with {@code HWP_*} variables set; a non-zero exit or
     * a timeout is a failure.
     */
    private void run(String what, String command, Installed p, boolean withArguments) throws InstallException {
        ProcessBuilder pb = new ProcessBuilder(
                        withArguments
                                ? List.of(
                                        "/bin/sh",
                                        "-c",
                                        command + " \"$@\"",
                                        "hwp-agent",
                                        p.directory().toString(),
                                        p.personalityId())
                                : List.of("/bin/sh", "-c", command))
                .directory(p.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        env.put("HWP_PACKAGE_DIR", p.directory().toString());
        env.put("HWP_PACKAGE_ID", p.packageId());
        env.put("HWP_PERSONALITY_ID", p.personalityId());
        env.put("HWP_ALLOCATION_ID", p.allocationId());
        Log.info("%s command for %s (%s): %s", what, p.personalityId(), p.packageId(), command);
        try {
            Process process = pb.start();
            if (!process.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new InstallException(what + " command timed out after " + commandTimeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new InstallException(what + " command exited with " + process.exitValue());
            }
        } catch (IOException e) {
            throw new InstallException(what + " command could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException(what + " command interrupted");
        }
    }

    private static String field(JsonNode node, String name, Pattern form) throws InstallException {
        String v = node.path(name).asText("");
        if (!form.matcher(v).matches()) {
            throw new InstallException("refused: the allocation's driver." + name + " is malformed");
        }
        return v;
    }
}
