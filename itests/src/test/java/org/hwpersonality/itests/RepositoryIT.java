package org.hwpersonality.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.service.ProfileRepository;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The Personality Repository in the distribution: sample catalogue, shell commands, durability. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RepositoryIT extends HwpTestSupport {
    private static final List<String> SAMPLE_IDS = List.of(
            "resnet50-int8-u250-v1",
            "bert-base-u55c-v1",
            "yolov5-agilex-v1",
            "h264-transcode-u30-v1",
            "hevc-transcode-u250-v1",
            "zstd-u250-v1",
            "gzip-pac-a10-v1",
            "lz4-u55c-v1",
            "sql-filter-u250-v1",
            "hash-join-agilex-v1",
            "ovs-offload-u250-v1",
            "ipsec-agilex-v1",
            "firewall-u55c-v1");

    /** A profile file with {@code count} profiles named {@code prefix-i}; the one at {@code badIndex} has a negative latency. */
    private Path profileFile(String prefix, int count, int badIndex) throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < count; i++) {
            yaml.append("- name: ")
                    .append(prefix)
                    .append('-')
                    .append(i)
                    .append('\n')
                    .append("  compatibility: {vendor: xilinx, family: alveo-u250}\n")
                    .append("  workloads:\n")
                    .append("    - workload: compression\n")
                    .append("      performance: {throughputGops: ")
                    .append(30 + i)
                    .append(", latencyUs: ")
                    .append(i == badIndex ? -1 : 100)
                    .append(", powerWatts: 40}\n")
                    .append("  osSupport: [{family: linux, kernels: \"[5.4,6.9)\", driverName: xrt-zstd}]\n")
                    .append("  fabric:\n")
                    .append("    bitstream: \"") // quoted: YAML would read an all-digit digest as a number
                    .append(String.format("%064x", i + 1))
                    .append("\"\n")
                    .append("    regionKind: PARTIAL\n")
                    .append(
                            "    resources: {luts: 150000, registers: 250000, bramBlocks: 200, dsps: 50, memoryMb: 1024}\n");
        }
        Path file = Files.createTempFile(prefix, ".yaml");
        Files.writeString(file, yaml.toString(), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    public void sampleCatalogueIsLoadedOnFirstStart() {
        String listed = executeCommand("personality:list --no-format");
        for (String id : SAMPLE_IDS) {
            assertTrue(id + " listed:\n" + listed, listed.contains(id));
        }
        ProfileRepository repository = waitForService(ProfileRepository.class, null);
        assertTrue("at least the samples are stored", repository.count() >= SAMPLE_IDS.size());
        String compression = executeCommand("personality:list --workload compression --vendor intel --no-format");
        assertTrue(compression, compression.contains("gzip-pac-a10-v1"));
        assertFalse(compression, compression.contains("zstd-u250-v1"));
    }

    @Test
    public void importShowExportAndRetire() throws Exception {
        Path file = profileFile("cli", 2, -1);
        String imported = executeCommand("personality:import " + file);
        assertEquals(
                "prints the new IDs",
                List.of("cli-0-v1", "cli-1-v1"),
                imported.strip().lines().toList());

        String shown = executeCommand("personality:show cli-1-v1");
        assertTrue(shown, shown.contains("Name / version : cli-1 v1"));
        assertTrue(shown, shown.contains("compression"));
        assertTrue(shown, shown.contains("Origin         : IMPORTED"));

        Path exported = Files.createTempFile("exported", ".json");
        executeCommand("personality:export cli-1-v1 " + exported);
        String json = Files.readString(exported);
        assertTrue(json, json.contains("\"personalityId\" : \"cli-1-v1\""));
        String printed = executeCommand("personality:export cli-1-v1");
        assertEquals("stdout and file exports agree", json.strip(), printed.strip());
        try {
            executeCommand("personality:import " + exported);
            fail("re-importing an existing Personality ID must fail");
        } catch (CommandFailed expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("'cli-1-v1' exists already"));
        }

        String retired = executeCommand("personality:retire cli-0-v1");
        assertTrue(retired, retired.contains("Retired cli-0-v1"));
        ProfileRepository repository = waitForService(ProfileRepository.class, null);
        assertEquals(
                ProfileStatus.RETIRED, repository.find("cli-0-v1").orElseThrow().status());
        assertFalse(executeCommand("personality:list --active --no-format").contains("cli-0-v1"));
        assertTrue(executeCommand("personality:list --no-format")
                .lines()
                .anyMatch(l -> l.startsWith("cli-0-v1") && l.contains("RETIRED")));
    }

    @Test
    public void anImportWithOneBadProfileStoresNothing() throws Exception {
        ProfileRepository repository = waitForService(ProfileRepository.class, null);
        long before = repository.count();
        Path file = profileFile("bad", 3, 1);
        try {
            executeCommand("personality:import " + file);
            fail("the import must be refused");
        } catch (CommandFailed expected) {
            assertTrue(
                    expected.getMessage(),
                    expected.getMessage()
                            .contains("$[1].workloads[0].performance.latencyUs: must be greater than zero (was -1.0)"));
        }
        assertEquals("nothing stored", before, repository.count());
        assertTrue(repository.find("bad-0-v1").isEmpty());
    }

    @Test
    public void profilesSurviveARestartOfTheDatabase() throws Exception {
        Path file = profileFile("durable", 3, -1);
        executeCommand("personality:import " + file);
        long before = waitForService(ProfileRepository.class, null).count();

        // Stop the repository, the DataSource and the Derby engine (which shuts the database down), then start them
        // again.
        List<Bundle> stack =
                List.of(bundle("org.hwpersonality.repository"), bundle("org.ops4j.pax.jdbc.config"), bundle("derby"));
        for (Bundle b : stack) {
            b.stop();
        }
        assertTrue("the repository is gone", bundleContext.getServiceReference(ProfileRepository.class) == null);
        for (int i = stack.size() - 1; i >= 0; i--) {
            stack.get(i).start();
        }
        waitUntil(
                "the repository is back",
                Duration.ofSeconds(60),
                () -> bundleContext.getServiceReference(ProfileRepository.class) != null);

        ProfileRepository repository = waitForService(ProfileRepository.class, null);
        assertEquals("the same number of profiles", before, repository.count());
        for (int i = 0; i < 3; i++) {
            assertTrue(
                    "durable-" + i + "-v1 is still there",
                    repository.find("durable-" + i + "-v1").isPresent());
        }
        String listed = executeCommand("personality:list --no-format");
        assertTrue(listed, listed.contains("durable-2-v1") && listed.contains("resnet50-int8-u250-v1"));
    }

    @Test
    public void personalityCommandsNeedTheAdminRole() {
        try {
            executeCommandAs("personality:list", "viewer", "viewer");
            fail("a viewer listed profiles");
        } catch (CommandFailed expected) {
            // karaf.secured.command.compulsory.roles=admin: a command without an ACL of its own needs the admin role.
            assertTrue(expected.getMessage(), expected.getMessage().contains("Insufficient credentials"));
        }
    }
}
