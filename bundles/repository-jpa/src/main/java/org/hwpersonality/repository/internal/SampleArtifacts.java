package org.hwpersonality.repository.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DriverRepository;

/**
 * The programming images and driver packages of the sample catalogue, made the same way every time: a
 * simulated-device image per sample profile (whose SHA-256 is the profile's {@code fabric.bitstream}) and a
 * driver package per driver name and guest OS, serving the profiles that name it. They are for the simulated
 * fleet: the images program simulated devices, and the packages' files stand for the vendor's driver.
 */
public final class SampleArtifacts {
    static final String VERSION = "1.0.0";
    private static final FileTime FIXED_TIME = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));

    private SampleArtifacts() {}

    /** The simulated-device image of a sample profile, built for the profile's clocks. */
    public static SimImage image(PersonalityProfile p) {
        long payload = p.fabric().regionKind() == RegionKind.FULL ? 2L << 20 : 512L << 10;
        Map<String, PerformanceFigures> performance = new LinkedHashMap<>();
        p.workloads().forEach(w -> performance.put(w.workload(), w.performance()));
        return new SimImage(
                p.name(),
                p.compatibility().vendor(),
                p.compatibility().family(),
                Optional.empty(),
                p.fabric().regionKind(),
                payload,
                performance,
                p.fabric().clocks().stream().collect(Collectors.toMap(ClockSetting::name, ClockSetting::frequencyMhz)));
    }

    /** Driver package zips by package ID, one per driver name and OS family of the sample profiles. */
    static Map<String, byte[]> driverPackages(List<PersonalityProfile> samples) {
        Map<String, List<PersonalityProfile>> byDriver = new LinkedHashMap<>();
        Map<String, OsSupport> support = new LinkedHashMap<>();
        for (PersonalityProfile p : samples) {
            for (OsSupport s : p.osSupport()) {
                String key = s.driverName() + "-" + VERSION + "-" + s.family() + "-x86_64";
                byDriver.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                support.putIfAbsent(key, s);
            }
        }
        Map<String, byte[]> packages = new LinkedHashMap<>();
        byDriver.forEach((id, profiles) -> packages.put(id, zip(support.get(id), profiles)));
        return packages;
    }

    private static byte[] zip(OsSupport s, List<PersonalityProfile> profiles) {
        boolean windows = s.family().equals("windows");
        String module = windows ? "drivers/" + s.driverName() + ".sys" : "lib/modules/" + s.driverName() + ".ko";
        String config = windows ? "drivers/" + s.driverName() + ".inf" : "etc/" + s.driverName() + ".conf";
        String load =
                windows ? "pnputil /add-driver drivers\\\\" + s.driverName() + ".inf /install" : "insmod " + module;
        String serves =
                profiles.stream().map(p -> "\"" + p.personalityId() + "\"").collect(Collectors.joining(","));
        String manifest = "{\"name\":\"" + s.driverName() + "\",\"version\":\"" + VERSION + "\",\"osFamily\":\""
                + s.family()
                + "\",\"kernels\":\"" + s.kernels() + "\",\"architecture\":\"x86_64\",\"serves\":[" + serves + "],"
                + "\"files\":[{\"path\":\"" + module + "\",\"kind\":\"MODULE\"},{\"path\":\"" + config
                + "\",\"kind\":\"CONFIG\"}],"
                + "\"loadInstructions\":[\"" + load + "\"]}\n";
        String profileList =
                profiles.stream().map(PersonalityProfile::personalityId).collect(Collectors.joining(", "));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            entry(zip, "hwp-driver.json", manifest);
            entry(
                    zip,
                    module,
                    "HWP sample driver " + s.driverName() + " " + VERSION + " for the simulated fleet; serves "
                            + profileList + "\n");
            entry(zip, config, "# " + s.driverName() + " settings\npersonalities=" + profileList + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, String content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(FIXED_TIME);
        zip.putNextEntry(e);
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /** Adds what is missing of the samples' images and driver packages; returns how many were added. */
    static int install(List<PersonalityProfile> samples, BitstreamStore bitstreams, DriverRepository drivers) {
        int added = 0;
        for (PersonalityProfile p : samples) {
            if (bitstreams.find(p.fabric().bitstream()).isEmpty()) {
                bitstreams.add(
                        new ByteArrayInputStream(image(p).bytes()),
                        p.name() + ".sim",
                        p.compatibility().vendor(),
                        ImageFormat.SIM);
                added++;
            }
        }
        for (Map.Entry<String, byte[]> e : driverPackages(samples).entrySet()) {
            if (drivers.find(e.getKey()).isEmpty()) {
                drivers.add(new ByteArrayInputStream(e.getValue()), e.getKey() + ".zip");
                added++;
            }
        }
        return added;
    }
}
