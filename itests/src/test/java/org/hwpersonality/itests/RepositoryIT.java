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
        // Their images and driver packages come with them.
        String images = executeCommand("bitstream:list --no-format");
        assertTrue(images, images.contains("resnet50-int8-u250.sim") && images.contains("SIM"));
        String shown = executeCommand("personality:show resnet50-int8-u250-v1");
        String image =
                shown.lines().filter(l -> l.startsWith("Fabric")).findFirst().orElseThrow();
        assertTrue(images + "\n" + image, images.contains(image.substring(image.lastIndexOf(' ') + 1)));
        String drivers = executeCommand("driver:list --no-format");
        assertTrue(
                drivers,
                drivers.contains("xrt-dpu-1.0.0-linux-x86_64") && drivers.contains("xrt-dpu-win-1.0.0-windows-x86_64"));
        assertTrue(executeCommand("driver:resolve --os linux --kernel 5.15.0 gzip-pac-a10-v1")
                .startsWith("opae-gzip-1.0.0-linux-x86_64"));
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

        String bulk = executeCommand("personality:import " + profileFile("bulk", 150, -1));
        assertTrue(bulk, bulk.contains("Read 150 profiles in "));
        assertTrue(bulk, bulk.contains("Imported 150 profiles in ") && bulk.contains("bulk-0-v1 … bulk-149-v1"));
        assertTrue(executeCommand("personality:list --no-format").contains("bulk-149-v1"));

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

    /** A driver package zip for the alveo-u250 family. */
    private static Path driverZip(String version) throws Exception {
        Path zip = Files.createTempFile("xrt-zstd-" + version + "-", ".zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("hwp-driver.json"));
            out.write(("{\"name\":\"xrt-zstd\",\"version\":\"" + version
                            + "\",\"osFamily\":\"linux\",\"kernels\":\"[5.4,6.9)\","
                            + "\"architecture\":\"x86_64\",\"serves\":[\"family:alveo-u250\"],"
                            + "\"files\":[{\"path\":\"lib/modules/xocl.ko\",\"kind\":\"MODULE\"}],"
                            + "\"loadInstructions\":[\"insmod lib/modules/xocl.ko\"]}")
                    .getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("lib/modules/xocl.ko"));
            out.write(("xocl module " + version + " ").repeat(200).getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }

    private static java.net.http.HttpResponse<byte[]> get(java.net.URI uri, String... headers) throws Exception {
        java.net.http.HttpRequest.Builder request =
                java.net.http.HttpRequest.newBuilder(uri).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    public void driverAddResolveAndFetchOverHttp() throws Exception {
        Path zip = driverZip("2.16.204");
        byte[] bytes = Files.readAllBytes(zip);
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        String added = executeCommand("driver:add " + zip);
        assertEquals("xrt-zstd-2.16.204-linux-x86_64 sha256=" + sha, added.strip());
        executeCommand("driver:add " + driverZip("2.14.0"));

        String resolved = executeCommand("driver:resolve --os linux --kernel 5.15.0-91-generic zstd-u250-v1");
        assertEquals("the highest version", "xrt-zstd-2.16.204-linux-x86_64 sha256=" + sha, resolved.strip());
        String listed = executeCommand("driver:list --no-format");
        assertTrue(listed, listed.contains("xrt-zstd-2.14.0-linux-x86_64") && listed.contains("family:alveo-u250"));
        String shown = executeCommand("driver:show xrt-zstd-2.16.204-linux-x86_64");
        assertTrue(shown, shown.contains("lib/modules/xocl.ko") && shown.contains("(Ed25519)"));

        String base = "/hwp/api/v1/drivers/xrt-zstd-2.16.204-linux-x86_64/content";
        var full = get(http(base), "Authorization", adminAuthorization());
        assertEquals(200, full.statusCode());
        assertTrue("the bytes uploaded", java.util.Arrays.equals(bytes, full.body()));
        assertEquals("\"" + sha + "\"", full.headers().firstValue("ETag").orElseThrow());
        String digest = java.util.Base64.getEncoder()
                .encodeToString(java.util.HexFormat.of().parseHex(sha));
        assertEquals("sha-256=" + digest, full.headers().firstValue("Digest").orElseThrow());
        String computed = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(full.body()));
        assertEquals("the digest of what arrived", sha, computed);

        var part = get(http(base), "Authorization", adminAuthorization(), "Range", "bytes=10-19");
        assertEquals(206, part.statusCode());
        assertEquals(
                "bytes 10-19/" + bytes.length,
                part.headers().firstValue("Content-Range").orElseThrow());
        assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(bytes, 10, 20), part.body()));
        assertEquals(
                416,
                get(http(base), "Authorization", adminAuthorization(), "Range", "bytes=99999999-")
                        .statusCode());
        assertEquals(
                304,
                get(http(base), "Authorization", adminAuthorization(), "If-None-Match", "\"" + sha + "\"")
                        .statusCode());

        var anonymous = get(http(base));
        assertEquals(401, anonymous.statusCode());
        assertTrue(new String(anonymous.body(), StandardCharsets.UTF_8).contains("\"error\":\"UNAUTHORIZED\""));
        var resolvedOverHttp = get(
                http("/hwp/api/v1/drivers?personalityId=zstd-u250-v1&os=linux&kernel=5.15.0"),
                "Authorization",
                adminAuthorization());
        assertEquals(200, resolvedOverHttp.statusCode());
        assertTrue(new String(resolvedOverHttp.body(), StandardCharsets.UTF_8)
                .contains("\"id\":\"xrt-zstd-2.16.204-linux-x86_64\""));
        var badKernel = get(
                http("/hwp/api/v1/drivers?personalityId=zstd-u250-v1&kernel=five"),
                "Authorization",
                adminAuthorization());
        assertEquals(400, badKernel.statusCode());
        assertTrue(new String(badKernel.body(), StandardCharsets.UTF_8).contains("kernel: must be a kernel version"));
        var key = get(http("/hwp/api/v1/drivers/public-key"));
        assertEquals(200, key.statusCode());
        assertTrue(new String(key.body(), StandardCharsets.UTF_8).startsWith("-----BEGIN PUBLIC KEY-----"));

        assertTrue(executeCommand("driver:remove xrt-zstd-2.14.0-linux-x86_64").contains("Removed"));
        assertEquals(
                404,
                get(
                                http("/hwp/api/v1/drivers/xrt-zstd-2.14.0-linux-x86_64/content"),
                                "Authorization",
                                adminAuthorization())
                        .statusCode());
    }

    @Test
    public void bitstreamsAreStoredByDigestAndReadByTheirBackEnd() throws Exception {
        Path image = Files.createTempFile("overlay", ".sim");
        Files.write(
                image,
                new org.hwpersonality.api.artifact.SimImage(
                                "it-overlay",
                                "xilinx",
                                "alveo-u250",
                                java.util.Optional.empty(),
                                org.hwpersonality.api.device.RegionKind.FULL,
                                100_000,
                                java.util.Map.of())
                        .bytes());
        String sha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(image)));
        assertEquals(
                sha,
                executeCommand("bitstream:add " + image + " --vendor xilinx").strip());
        assertEquals(
                "stored once",
                sha,
                executeCommand("bitstream:add --vendor xilinx --name copy.sim " + image)
                        .strip());
        String listed = executeCommand("bitstream:list --no-format");
        assertTrue(listed, listed.lines().filter(l -> l.startsWith(sha)).count() == 1 && listed.contains("SIM"));

        // The simulator reads SIM images before they are stored: a damaged one is refused and nothing is stored.
        byte[] damaged = Files.readAllBytes(image);
        damaged[500] ^= 1;
        Path bad = Files.createTempFile("damaged", ".sim");
        Files.write(bad, damaged);
        try {
            executeCommand("bitstream:add " + bad + " --vendor xilinx");
            fail("a damaged image was stored");
        } catch (CommandFailed expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("is corrupt"));
        }
        String badSha = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(damaged));
        assertFalse(executeCommand("bitstream:list --no-format").contains(badSha));
    }

    @Test
    public void theSimulatedFleetOfTheDistributionIsThere() {
        org.hwpersonality.api.backend.ReconfigurationBackend sim =
                waitForService(org.hwpersonality.api.backend.ReconfigurationBackend.class, "(hwp.vendor=sim)");
        waitUntil("the seven fleets are bound", TIMEOUT, () -> sim.discover().size() == 11);
        var devices = sim.discover();
        assertEquals(
                java.util.Set.of("alveo-u250", "alveo-u55c", "alveo-u30", "agilex-f", "pac-a10"),
                devices.stream()
                        .map(org.hwpersonality.api.backend.DeviceDescriptor::family)
                        .collect(java.util.stream.Collectors.toSet()));
        assertEquals(
                "partial regions of the DFX shells",
                6,
                devices.stream()
                        .flatMap(d -> d.regions().stream())
                        .filter(r -> r.kind() == org.hwpersonality.api.device.RegionKind.PARTIAL)
                        .count());
    }

    @Test
    public void theFleetIsRecordedAndCanBeDrained() {
        java.util.List<String> fleet = java.util.List.of(
                "itest:sim-u250-0",
                "itest:sim-u250-1",
                "itest:sim-u250pr-0",
                "itest:sim-u250pr-1",
                "itest:sim-u55c-0",
                "itest:sim-u55cpr-0",
                "itest:sim-u30-0",
                "itest:sim-u30-1",
                "itest:sim-agilex-0",
                "itest:sim-agilex-1",
                "itest:sim-paca10-0");
        waitUntil("the 11 simulated cards are recorded", TIMEOUT, () -> {
            String now = executeCommand("device:list --no-format");
            return fleet.stream()
                    .allMatch(id -> now.lines().anyMatch(l -> l.split("\\s+")[0].equals(id) && !l.contains("OFFLINE")));
        });
        String listed = executeCommand("device:list --no-format");
        assertTrue(
                listed,
                listed.lines()
                        .anyMatch(
                                l -> l.startsWith("itest:sim-u250pr-0") && l.contains("xilinx") && l.contains("0/2")));
        assertTrue(
                listed,
                listed.lines()
                        .anyMatch(l ->
                                l.startsWith("itest:sim-paca10-0") && l.contains("intel") && l.contains("pac-a10")));
        String backends = executeCommand("device:backends --no-format");
        assertTrue(
                backends,
                backends.lines().anyMatch(l -> l.startsWith("sim") && l.contains("org.hwpersonality.backend.sim")));
        String shown = executeCommand("device:show itest:sim-u55cpr-0");
        assertTrue(
                shown,
                shown.contains("alveo-u55c")
                        && shown.lines()
                                        .filter(l -> l.contains("PARTIAL") && l.contains("FREE"))
                                        .count()
                                == 2);
        assertTrue(executeCommand("device:drain itest:sim-u30-1").contains("Draining itest:sim-u30-1"));
        assertTrue(executeCommand("device:list --no-format")
                .lines()
                .anyMatch(l -> l.startsWith("itest:sim-u30-1") && l.contains("DRAINING")));
        assertEquals(
                "itest:sim-u30-1 is ONLINE: it takes new allocations",
                executeCommand("device:enable itest:sim-u30-1").strip());
        assertTrue(executeCommand("device:list --no-format")
                .lines()
                .anyMatch(l -> l.startsWith("itest:sim-u30-1") && l.contains("ONLINE")));
        assertTrue(executeCommand("device:drain itest:sim-u30-1").contains("Draining itest:sim-u30-1"));
    }

    @Test
    public void regionsAreReconfiguredByHandWithChecksAndRollback() throws Exception {
        waitUntil(
                "itest:sim-u250-0 is recorded",
                TIMEOUT,
                () -> executeCommand("device:list --no-format").contains("itest:sim-u250-0"));
        String done = executeCommand("device:reconfigure itest:sim-u250-0 0 resnet50-int8-u250-v1");
        assertTrue(done, done.startsWith("Programmed itest:sim-u250-0/0 with resnet50-int8-u250-v1 in "));
        String shown = executeCommand("device:show itest:sim-u250-0");
        assertTrue(shown, shown.lines().anyMatch(l -> l.contains("resnet50-int8-u250-v1") && l.contains("FREE")));
        assertTrue(executeCommand("device:reconfigure itest:sim-u250-0 0 resnet50-int8-u250-v1")
                .contains("already holds"));

        try {
            executeCommand("device:reconfigure itest:sim-u55c-0 0 resnet50-int8-u250-v1");
            fail("a U250 personality went onto a U55C");
        } catch (CommandFailed expected) {
            assertTrue(
                    expected.getMessage(),
                    expected.getMessage().contains("is for xilinx alveo-u250")
                            && expected.getMessage().contains("device itest:sim-u55c-0 is xilinx alveo-u55c"));
        }
        try {
            executeCommand("device:reconfigure itest:sim-u250pr-0 0 resnet50-int8-u250-v1");
            fail("a FULL image went into a partial region");
        } catch (CommandFailed expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("needs a FULL region"));
        }
        assertFalse(executeCommand("device:show itest:sim-u55c-0").contains("resnet50"));

        // A fleet whose every programming fails: the region keeps what it held.
        org.osgi.service.cm.ConfigurationAdmin admin =
                waitForService(org.osgi.service.cm.ConfigurationAdmin.class, null);
        var faulty = admin.getFactoryConfiguration("org.hwpersonality.backend.sim.fleet", "it-faulty", "?");
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("idPrefix", "sim-faulty-");
        props.put("devices", "1");
        props.put("family", "alveo-u250");
        props.put("interfaceId", "a7c3e1f0b25011ee8c900242ac120250");
        props.put("failureProbability", "1.0");
        faulty.update(props);
        waitUntil(
                "the faulty card is recorded",
                TIMEOUT,
                () -> executeCommand("device:rescan").isEmpty()
                        || executeCommand("device:list --no-format").contains("itest:sim-faulty-0"));
        try {
            executeCommand("device:reconfigure itest:sim-faulty-0 0 hevc-transcode-u250-v1");
            fail("the injected failure did not surface");
        } catch (CommandFailed expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("injected fault"));
        }
        String after = executeCommand("device:show itest:sim-faulty-0");
        assertTrue(after, after.contains("FREE") && !after.contains("hevc"));
        faulty.delete();
        waitUntil(
                "the removed fleet's card goes OFFLINE",
                TIMEOUT,
                () -> executeCommand("device:rescan").isEmpty()
                        || executeCommand("device:list --no-format")
                                .lines()
                                .anyMatch(l -> l.startsWith("itest:sim-faulty-0") && l.contains("OFFLINE")));
    }

    /**
     * The whole path on the simulated fleet: a VM is registered, its request is matched, reserved and programmed;
     * released, the region keeps its image and the next request reuses it without reprogramming; on a card whose
     * programming fails the allocation is rolled back and another region serves.
     */
    @Test
    public void personalityRequestsAreMatchedProgrammedReleasedAndReused() throws Exception {
        String vm1 = registerVm("it-db-1");
        String request = "personality:request --vm %s --os linux --kernel 5.15.0 --workload database-acceleration";
        String first = executeCommand(String.format(request, vm1));
        assertTrue(first, first.contains("State          ACTIVE"));
        assertTrue(first, first.contains("Personality    sql-filter-u250-v1"));
        assertTrue(first, first.contains("Reconfigured   yes"));
        assertTrue(first, first.contains("Driver         xrt-sqlfilter-"));
        String allocation = field(first, "Allocation");
        String region = field(first, "Device");
        assertTrue(
                executeCommand("allocation:list --vm " + vm1 + " --no-format").contains("ACTIVE"));
        try {
            executeCommand(String.format(request, vm1));
            fail("a VM got two allocations");
        } catch (CommandFailed expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("holds allocation " + allocation));
        }
        assertTrue(executeCommand("allocation:release " + allocation).startsWith("Released " + allocation));

        String again = executeCommand(String.format(request, vm1));
        assertTrue(again, again.contains("Reconfigured   no (the region already held the image)"));
        assertEquals(region, field(again, "Device"));
        assertTrue(again, again.contains("region already holds the image: no reprogramming"));
        // A VM's report is stored and shown with what was learned of the personality (issue 23).
        assertTrue(executeCommand("personality:show sql-filter-u250-v1").contains("Learned        : no reports yet"));
        org.hwpersonality.api.service.ManagementService management =
                waitForService(org.hwpersonality.api.service.ManagementService.class, null);
        var outcome = management.report(
                vm1,
                new org.hwpersonality.api.request.Metrics(
                        java.util.Optional.of(7.5),
                        java.util.Optional.of(30.0),
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Map.of(),
                        java.time.Instant.now()),
                java.util.Optional.empty(),
                java.util.Optional.of(0.8),
                "karaf");
        assertEquals("sql-filter-u250-v1", outcome.personalityId());
        String learned = executeCommand("personality:show sql-filter-u250-v1");
        assertTrue(
                learned, learned.contains("Learned        : from the VMs' reports (ranked by them from 20 samples)"));
        assertTrue(
                learned,
                learned.lines()
                        .anyMatch(l -> l.contains("database-acceleration") && l.contains("1 reports from 1 VMs")));
        assertTrue(learned, learned.contains("throughput median 7.5 GOPS, p10 7.5; latency median 30.0 µs, p90 30.0"));

        // A card whose every programming fails, sorting before the others: tried, rolled back, left.
        org.osgi.service.cm.ConfigurationAdmin admin =
                waitForService(org.osgi.service.cm.ConfigurationAdmin.class, null);
        var faulty = admin.getFactoryConfiguration("org.hwpersonality.backend.sim.fleet", "it-faulty-pr", "?");
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("idPrefix", "sim-a-faulty-");
        props.put("devices", "1");
        props.put("family", "alveo-u250");
        props.put("interfaceId", "a7c3e1f0b25011ee8c900242ac120251");
        props.put("regions", "2");
        props.put("regionLuts", "400000");
        props.put("regionRegisters", "800000");
        props.put("regionBramBlocks", "600");
        props.put("regionDsps", "2000");
        props.put("regionMemoryMb", "8192");
        props.put("failureProbability", "1.0");
        faulty.update(props);
        try {
            waitUntil(
                    "the faulty card is recorded",
                    TIMEOUT,
                    () -> executeCommand("device:rescan").isEmpty()
                            || executeCommand("device:list --no-format").contains("itest:sim-a-faulty-0"));
            String vm2 = registerVm("it-db-2");
            String served = executeCommand(String.format(request, vm2));
            assertTrue(served, served.contains("State          ACTIVE"));
            assertFalse(served, field(served, "Device").startsWith("itest:sim-a-faulty-0"));
            String faultyCard = executeCommand("device:show itest:sim-a-faulty-0");
            assertFalse(faultyCard, faultyCard.contains("sql-filter"));
            assertFalse(faultyCard, faultyCard.contains("PROGRAMMING"));
            String history = executeCommand("allocation:list --vm " + vm2 + " --no-format");
            assertEquals(
                    history,
                    2,
                    history.lines()
                            .filter(l -> l.contains("itest:sim-a-faulty-0/") && l.contains("FAILED"))
                            .count());
            executeCommand("allocation:release " + field(served, "Allocation"));
        } finally {
            faulty.delete();
        }
        executeCommand("allocation:release " + field(again, "Allocation"));
        String events = executeCommand("vm:list --no-format");
        assertTrue(events, events.contains("it-db-1") && events.contains("it-db-2"));
    }

    private String registerVm(String name) {
        String out = executeCommand("vm:register " + name + " --os linux --kernel 5.15.0");
        assertTrue(out, out.contains("Token  hwp_"));
        return field(out, "VM");
    }

    /** The value after a label in the output of personality:request or vm:register. */
    private static String field(String output, String label) {
        return output.lines()
                .filter(l -> l.startsWith(label + " "))
                .map(l -> l.substring(label.length()).trim().split(" ")[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in:\n" + output));
    }

    /** A GBS file as the OPAE packager writes it: GUID, little-endian JSON length, JSON metadata, then the bitstream. */
    private static byte[] gbs(String interfaceUuid, String afuUuid) {
        String json =
                "{\"version\": 1, \"afu-image\": {\"clock-frequency-high\": 312, \"clock-frequency-low\": 156, \"power\": 50,"
                        + " \"interface-uuid\": \"" + interfaceUuid
                        + "\", \"magic-no\": 488605312, \"accelerator-clusters\":"
                        + " [{\"total-contexts\": 1, \"name\": \"it_afu\", \"accelerator-type-uuid\": \"" + afuUuid
                        + "\"}]},"
                        + " \"platform-name\": \"PAC_A10\"}";
        byte[] meta = json.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer out =
                java.nio.ByteBuffer.allocate(16 + 4 + meta.length + 4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put("XeonFPGA".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 0xB7)
                .put("GBSv001".getBytes(StandardCharsets.US_ASCII));
        out.putInt(meta.length).put(meta);
        for (int i = 0; i < 4096; i++) {
            out.put((byte) (i * 31 + 7));
        }
        return out.array();
    }

    /** Fake fpgainfo/fpgaconf printing the tools' real formats for two cards (from the OPAE back end's tests). */
    private Path fakeOpae() throws Exception {
        Path dir = Files.createTempDirectory("fake-opae");
        for (String name : List.of("fpgainfo", "fpgaconf")) {
            String script = new String(
                            getClass().getResourceAsStream("/opae/" + name).readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@DIR@", dir.toString());
            Path file = dir.resolve(name);
            Files.writeString(file, script);
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.write(
                dir.resolve("fme.txt"),
                getClass().getResourceAsStream("/opae/fme.txt").readAllBytes());
        Files.writeString(dir.resolve("ports.txt"), "0000:5E:00.0 0x09C4\n0000:86:00.0 0xBCCE\n");
        Files.createDirectories(dir.resolve("afu"));
        return dir;
    }

    private long secondsUntil(String what, java.util.function.Supplier<Boolean> condition) {
        long start = System.nanoTime();
        waitUntil(what, TIMEOUT, condition);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    public void aVendorBackEndComesAndGoesThroughDeploy() throws Exception {
        Path tools = fakeOpae();
        org.osgi.service.cm.ConfigurationAdmin admin =
                waitForService(org.osgi.service.cm.ConfigurationAdmin.class, null);
        java.util.Hashtable<String, Object> opae = new java.util.Hashtable<>();
        opae.put("fpgainfoPath", tools.resolve("fpgainfo").toString());
        opae.put("fpgaconfPath", tools.resolve("fpgaconf").toString());
        admin.getConfiguration("org.hwpersonality.backend.intel", "?").update(opae);

        java.util.Map<Long, Integer> before = new java.util.HashMap<>();
        for (Bundle b : bundleContext.getBundles()) {
            before.put(b.getBundleId(), b.getState());
        }
        // Every bundle that stops while the back end comes and goes, but the back end itself.
        java.util.List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.osgi.framework.BundleListener listener = e -> {
            if (e.getType() == org.osgi.framework.BundleEvent.STOPPED
                    && !"org.hwpersonality.backend.intel".equals(e.getBundle().getSymbolicName())) {
                stopped.add(e.getBundle().getSymbolicName());
            }
        };
        bundleContext.addBundleListener(listener);

        Path jar = systemJar("org.hwpersonality.backend.intel");
        Path deployed = copyToDeploy(jar);
        long arrived = secondsUntil(
                "the OPAE cards appear",
                () -> executeCommand("device:list --no-format")
                        .lines()
                        .anyMatch(l ->
                                l.startsWith("itest:0000:5e:00.0") && l.contains("intel") && l.contains("ONLINE")));
        System.out.println("OPAE cards listed " + arrived + " ms after the jar was copied into deploy/");
        assertTrue("listed within 2 s (took " + arrived + " ms)", arrived <= 2000);

        String card = executeCommand("device:show itest:0000:5e:00.0");
        String family = card.lines()
                .filter(l -> l.startsWith("Family"))
                .findFirst()
                .orElseThrow()
                .split("[:,]")[1]
                .strip();
        Path image = Files.createTempFile("it-afu", ".gbs");
        Files.write(image, gbs("38d782e3-b612-5343-b934-2433e348ac4c", "d8424dc4-a4a3-c413-f89e-433683f9040b"));
        String sha = executeCommand("bitstream:add --vendor intel " + image).strip();
        Path profile = Files.createTempFile("it-afu", ".yaml");
        Files.writeString(
                profile,
                "name: it-afu-" + family + "\n"
                        + "compatibility: {vendor: intel, family: " + family + "}\n"
                        + "workloads: [{workload: compression, performance: {throughputGops: 20, latencyUs: 200, powerWatts: 40}}]\n"
                        + "osSupport: [{family: linux, driverName: opae-it}]\n"
                        + "fabric: {bitstream: \"" + sha + "\", regionKind: PARTIAL,"
                        + " resources: {luts: 100000, registers: 200000, bramBlocks: 100, dsps: 10, memoryMb: 1024}}\n");
        String id = executeCommand("personality:import " + profile).strip();
        String programmed = executeCommand("device:reconfigure itest:0000:5e:00.0 0 " + id);
        assertTrue(programmed, programmed.startsWith("Programmed itest:0000:5e:00.0/0 with " + id));
        assertTrue(
                "fpgaconf ran for the card",
                Files.readString(tools.resolve("fpgaconf.log")).contains("-B 0x5e"));

        Files.delete(deployed);
        long left = secondsUntil(
                "the OPAE cards go OFFLINE",
                () -> executeCommand("device:list --no-format")
                        .lines()
                        .anyMatch(l -> l.startsWith("itest:0000:5e:00.0") && l.contains("OFFLINE")));
        System.out.println("OPAE cards OFFLINE " + left + " ms after the jar was deleted from deploy/");
        assertTrue("OFFLINE within 2 s (took " + left + " ms)", left <= 2000);
        assertTrue(
                "the simulated fleet is untouched",
                executeCommand("device:list --no-format")
                        .lines()
                        .anyMatch(l -> l.startsWith("itest:sim-u250-0") && !l.contains("OFFLINE")));

        copyToDeploy(jar);
        secondsUntil(
                "the OPAE cards are back",
                () -> executeCommand("device:list --no-format")
                        .lines()
                        .anyMatch(l -> l.startsWith("itest:0000:5e:00.0") && l.contains("ONLINE")));
        assertTrue(
                executeCommand("device:reconfigure itest:0000:5e:00.0 0 " + id).contains(id));

        bundleContext.removeBundleListener(listener);
        assertEquals("no other bundle stopped (none was refreshed)", List.of(), stopped);
        for (Bundle b : bundleContext.getBundles()) {
            Integer was = before.get(b.getBundleId());
            if (was != null && was == Bundle.ACTIVE) {
                assertEquals(b.getSymbolicName() + " kept running", Bundle.ACTIVE, b.getState());
            }
        }
        Files.delete(karafHome().resolve("deploy").resolve(jar.getFileName()));
    }

    /**
     * The XRT and AWS F1 back ends come and go through deploy/ as OPAE does (above), each with its stand-in tools:
     * their devices are listed, an AFI reference is programmed into an F1 slot, and removing the jars turns their
     * devices OFFLINE while every other bundle keeps running.
     */
    @Test
    public void xrtAndAwsBackEndsComeAndGoThroughDeploy() throws Exception {
        Path xrt = standIns(
                "xbutil",
                "xbutil/xbutil.sh",
                "xbutil/host.json",
                "xbutil/device-0000_3b_00.1.json",
                "xbutil/device-0000_d8_00.1.json");
        Path aws = standIns("aws", "aws/fpga-mgmt.sh");
        for (String tool : List.of(
                "fpga-describe-local-image-slots",
                "fpga-describe-local-image",
                "fpga-load-local-image",
                "fpga-clear-local-image")) {
            Files.copy(aws.resolve("fpga-mgmt.sh"), aws.resolve(tool));
            Files.setPosixFilePermissions(
                    aws.resolve(tool), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // aws/aws-fpga sdk/userspace/fpga_mgmt_tools/README.md (slots) and hdk/README.md (shell, hello-world AFI).
        Files.writeString(aws.resolve("slots.txt"), "0 0000:00:0f.0\n1 0000:00:11.0\n");
        Files.writeString(aws.resolve("shell"), "0x04261818\n");
        Files.writeString(aws.resolve("known-afis"), "agfi-0fcf87119b8e97bf3\n");

        org.osgi.service.cm.ConfigurationAdmin admin =
                waitForService(org.osgi.service.cm.ConfigurationAdmin.class, null);
        java.util.Hashtable<String, Object> xrtConfig = new java.util.Hashtable<>();
        xrtConfig.put("xbutil.path", xrt.resolve("xbutil.sh").toString());
        // The U55C's interface is left out: xbutil reports only its logic UUID, so it is listed DEGRADED, saying why.
        xrtConfig.put(
                "shell.interface.ids",
                new String[] {"xilinx_u250_gen3x16_xdma_shell_4_1=3f1a8b2c9d4e4f60a1b2c3d4e5f60718"});
        admin.getConfiguration("org.hwpersonality.backend.xilinx", "?").update(xrtConfig);
        java.util.Hashtable<String, Object> awsConfig = new java.util.Hashtable<>();
        awsConfig.put("toolsPath", aws.toString());
        admin.getConfiguration("org.hwpersonality.backend.aws", "?").update(awsConfig);

        java.util.List<String> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.osgi.framework.BundleListener listener = e -> {
            String name = e.getBundle().getSymbolicName();
            if (e.getType() == org.osgi.framework.BundleEvent.STOPPED
                    && !"org.hwpersonality.backend.xilinx".equals(name)
                    && !"org.hwpersonality.backend.aws".equals(name)) {
                stopped.add(name);
            }
        };
        bundleContext.addBundleListener(listener);
        try {
            Path xrtJar = copyToDeploy(systemJar("org.hwpersonality.backend.xilinx"));
            Path awsJar = copyToDeploy(systemJar("org.hwpersonality.backend.aws"));
            long listed = secondsUntil("the XRT cards and the F1 slots appear", () -> {
                String devices = executeCommand("device:list --no-format");
                return devices.lines().anyMatch(l -> l.startsWith("itest:0000:3b:00.1") && l.contains("ONLINE"))
                        && devices.lines().anyMatch(l -> l.startsWith("itest:0000:00:11.0") && l.contains("ONLINE"));
            });
            System.out.println("XRT cards and F1 slots listed " + listed + " ms after their jars were deployed");
            String health = executeCommand("device:list --no-format");
            assertTrue(health, health.lines().anyMatch(l -> l.startsWith("itest:0000:3b:00.1") && l.endsWith("OK")));
            assertTrue(
                    health,
                    health.lines()
                            .anyMatch(l -> l.startsWith("itest:0000:d8:00.1")
                                    && l.contains("DEGRADED: ")
                                    && l.contains("set shell.interface.ids = xilinx_u55c_gen3x16_xdma_base_3=")));
            assertTrue(
                    executeCommand("device:show itest:0000:00:11.0"),
                    executeCommand("device:show itest:0000:00:11.0").contains("aws-f1"));

            Path afi = Files.createTempFile("hello", ".afi");
            Files.writeString(afi, "agfi-0fcf87119b8e97bf3\nshellVersion=0x04261818\n");
            String sha = executeCommand("bitstream:add --vendor aws " + afi).strip();
            Path profile = Files.createTempFile("it-f1", ".yaml");
            Files.writeString(
                    profile,
                    "name: it-f1-hello\n"
                            + "compatibility: {vendor: aws, family: aws-f1}\n"
                            + "workloads: [{workload: compression, performance: {throughputGops: 5, latencyUs: 50, powerWatts: 20}}]\n"
                            + "osSupport: [{family: linux, driverName: xdma}]\n"
                            + "fabric: {bitstream: \"" + sha + "\", regionKind: PARTIAL,"
                            + " resources: {luts: 100000, registers: 200000, bramBlocks: 100, dsps: 10, memoryMb: 1024}}\n");
            String id = executeCommand("personality:import " + profile).strip();
            String programmed = executeCommand("device:reconfigure itest:0000:00:11.0 0 " + id);
            assertTrue(programmed, programmed.startsWith("Programmed itest:0000:00:11.0/0 with " + id));
            assertTrue(
                    "fpga-load-local-image ran for slot 1",
                    Files.readString(aws.resolve("calls.log"))
                            .contains("fpga-load-local-image -S 1 -I agfi-0fcf87119b8e97bf3 -H"));
            // A clock tunable whose grid falls between F1's clock recipes is refused before it is stored.
            Path stepped = Files.createTempFile("it-f1", ".yaml");
            Files.writeString(
                    stepped,
                    Files.readString(profile)
                            .replace("it-f1-hello", "it-f1-stepped")
                            .replace(
                                    "memoryMb: 1024}",
                                    "memoryMb: 1024}, clocks: [{name: clk_main_a0, frequencyMhz: 250}]")
                            .concat("tunables: [{name: clk_main_a0, min: 125, max: 250, step: 62.5, nominal: 250,"
                                    + " effect: {throughputExponent: 1, latencyExponent: -1, powerExponent: 1,"
                                    + " resourceExponent: 0}}]\n"));
            try {
                executeCommand("personality:import " + stepped);
                fail("a tunable between clock recipes must be refused");
            } catch (CommandFailed expected) {
                assertTrue(
                        expected.getMessage(),
                        expected.getMessage().contains("tunable 'clk_main_a0' reaches 187.5 MHz"));
            }
            Files.writeString(stepped, Files.readString(stepped).replace("step: 62.5", "step: 125"));
            assertTrue(executeCommand("personality:import " + stepped).contains("it-f1-stepped"));

            // A bad value in the back end's settings refuses it at start, naming the key.
            java.util.Hashtable<String, Object> badAws = new java.util.Hashtable<>(awsConfig);
            badAws.put("toolTimeoutMs", "soon");
            admin.getConfiguration("org.hwpersonality.backend.aws", "?").update(badAws);
            Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
            secondsUntil("the refusal is logged in karaf.log, naming the key", () -> {
                try {
                    return Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains("IllegalArgumentException: toolTimeoutMs: not a whole number");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            secondsUntil(
                    "the F1 back end is gone",
                    () -> !executeCommand("device:backends --no-format").contains("aws"));
            admin.getConfiguration("org.hwpersonality.backend.aws", "?").update(awsConfig);
            secondsUntil(
                    "the F1 back end is back",
                    () -> executeCommand("device:backends --no-format").contains("aws"));

            Files.delete(xrtJar);
            Files.delete(awsJar);
            long left = secondsUntil("the XRT cards and F1 slots go OFFLINE", () -> {
                String devices = executeCommand("device:list --no-format");
                return devices.lines().anyMatch(l -> l.startsWith("itest:0000:3b:00.1") && l.contains("OFFLINE"))
                        && devices.lines().anyMatch(l -> l.startsWith("itest:0000:00:11.0") && l.contains("OFFLINE"));
            });
            System.out.println("XRT cards and F1 slots OFFLINE " + left + " ms after their jars were deleted");
            assertTrue("OFFLINE within 2 s (took " + left + " ms)", left <= 2000);
        } finally {
            bundleContext.removeBundleListener(listener);
        }
        assertEquals("no other bundle stopped (none was refreshed)", List.of(), stopped);
    }

    private Path systemJar(String artifact) {
        String version = System.getProperty(
                "hwp.version",
                bundle("org.hwpersonality.api")
                        .getHeaders()
                        .get("Bundle-Version")
                        .replace(".SNAPSHOT", "-SNAPSHOT"));
        Path jar = karafHome()
                .resolve("system/org/hwpersonality/" + artifact + "/" + version + "/" + artifact + "-" + version
                        + ".jar");
        assertTrue(artifact + " is in the distribution: " + jar, Files.isRegularFile(jar));
        return jar;
    }

    /** A temporary folder holding the named test resources (executable), under their file names. */
    private Path standIns(String prefix, String... resources) throws Exception {
        Path dir = Files.createTempDirectory("fake-" + prefix);
        for (String resource : resources) {
            Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            Files.write(file, getClass().getResourceAsStream("/" + resource).readAllBytes());
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    @Test
    public void characterizationStoresWhatWasMeasured() {
        waitUntil(
                "itest:sim-u30-0 is recorded",
                TIMEOUT,
                () -> executeCommand("device:list --no-format").contains("itest:sim-u30-0"));
        String shown = executeCommand("personality:show h264-transcode-u30-v1");
        String image =
                shown.lines().filter(l -> l.startsWith("Fabric")).findFirst().orElseThrow();
        String sha = image.substring(image.lastIndexOf(' ') + 1);
        String out = executeCommand(
                "personality:characterize itest:sim-u30-0 " + sha + " --workload video-transcode --name h264-measured");
        List<String> lines = out.strip().lines().toList();
        assertTrue(
                out, lines.get(0).startsWith("Characterizing ") && lines.get(0).contains("on itest:sim-u30-0"));
        assertEquals(out, "h264-measured-v1", lines.get(1));
        assertTrue(out, out.contains("Measured video-transcode on itest:sim-u30-0"));
        String profile = executeCommand("personality:show h264-measured-v1");
        assertTrue(
                profile,
                profile.contains("Origin         : CHARACTERIZED") && profile.contains("xilinx alveo-u30 shells"));
        double gops = Double.parseDouble(profile.lines()
                .filter(l -> l.strip().startsWith("video-transcode"))
                .findFirst()
                .orElseThrow()
                .strip()
                .split("\\s+")[1]);
        assertTrue("measured near the image's 920 GOPS (2 % noise): " + gops, gops > 800 && gops < 1040);
        try {
            executeCommand(
                    "personality:characterize itest:sim-u30-0 " + sha + " --workload ml-inference --name h264-other");
            fail("an image that does not serve the workload was characterized");
        } catch (CommandFailed expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("cannot measure ml-inference"));
        }
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
