package org.hwpersonality.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.json.ProfileFiles.Format;
import org.junit.jupiter.api.Test;

class ProfileFilesTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final ProfileFiles files = new ProfileFiles();

    private List<PersonalityProfile> sample() {
        InputStream in = getClass().getResourceAsStream("/two-profiles.yaml");
        return files.read(in, Format.YAML, Origin.IMPORTED, NOW);
    }

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private String json(List<PersonalityProfile> profiles) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.write(profiles, out, Format.JSON);
        return out.toString(StandardCharsets.UTF_8);
    }

    private void assertInvalid(String document, Format format, String path, String reason) {
        assertThatThrownBy(() -> files.read(text(document), format, Origin.IMPORTED, NOW))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> {
                    ValidationException v = (ValidationException) e;
                    assertThat(v.field()).isEqualTo(path);
                    assertThat(v.reason()).contains(reason);
                });
    }

    @Test
    void yamlListGetsWhatHwpAssigns() {
        List<PersonalityProfile> profiles = sample();
        assertThat(profiles).hasSize(2);
        PersonalityProfile first = profiles.get(0);
        assertThat(first.personalityId()).isEqualTo("resnet50-int8-u250-v1");
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.origin()).isEqualTo(Origin.IMPORTED);
        assertThat(first.status()).isEqualTo(ProfileStatus.ACTIVE);
        assertThat(first.createdAt()).isEqualTo(NOW);
        assertThat(first.compatibility().interfaceIds()).containsExactly("8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c");
        assertThat(first.osSupport().get(0).kernels()).isEqualTo(KernelRange.parse("[5.4,6.9)"));
        assertThat(first.memoryMap().totalMb()).isEqualTo(16384);
        assertThat(profiles.get(1).osSupport().get(0).kernels()).isEqualTo(KernelRange.ANY);
        assertThat(profiles.get(1).peripherals()).isEmpty();
    }

    @Test
    void exportReadsBackIdentically() {
        List<PersonalityProfile> profiles = sample();
        String exported = json(profiles);
        assertThat(exported)
                .contains("\"personalityId\" : \"resnet50-int8-u250-v1\"")
                .contains("\"kernels\" : \"[5.4,6.9)\"");
        List<PersonalityProfile> again = files.read(text(exported), Format.JSON, Origin.ADMIN, NOW.plusSeconds(60));
        assertThat(again).isEqualTo(profiles);
        String single = json(List.of(profiles.get(1)));
        assertThat(single.strip()).startsWith("{");
        assertThat(files.read(text(single), Format.JSON, Origin.ADMIN, NOW)).containsExactly(profiles.get(1));
        ByteArrayOutputStream yaml = new ByteArrayOutputStream();
        files.write(profiles, yaml, Format.YAML);
        assertThat(files.read(new ByteArrayInputStream(yaml.toByteArray()), Format.YAML, Origin.ADMIN, NOW))
                .isEqualTo(profiles);
    }

    @Test
    void badValueIsNamedByItsPath() {
        String good = json(List.of(sample().get(0)));
        String bad = good.replace("\"latencyUs\" : 40.0", "\"latencyUs\" : -3");
        assertInvalid(
                "[" + good + "," + bad + "]",
                Format.JSON,
                "$[1].workloads[0].performance.latencyUs",
                "greater than zero");
        assertInvalid(bad, Format.JSON, "$.workloads[0].performance.latencyUs", "greater than zero");
    }

    @Test
    void errorsInNestedRecordsAndScalars() {
        String good = json(List.of(sample().get(0)));
        assertInvalid(
                good.replace("\"vendor\" : \"xilinx\"", "\"vendor\" : \"Xilinx\""),
                Format.JSON,
                "$.compatibility.vendor",
                "lower-case");
        assertInvalid(
                good.replace("aaaaaaaa", "zzzzzzzz"), Format.JSON, "$.fabric.bitstream", "64 lower-case hexadecimal");
        assertInvalid(
                good.replace("[5.4,6.9)", "[6.9,5.4)"), Format.JSON, "$.osSupport[0].kernels", "must be below max");
        assertInvalid(good.replace("\"kernelClockMhz\"", "\"bad name\""), Format.JSON, "$.tunables[0].name", "letters");
        assertInvalid(
                good.replace("\"name\" : \"ddr0\"", "\"name\" : \"ddr0\", \"colour\" : \"red\""),
                Format.JSON,
                "$.memoryMap.segments[0].colour",
                "is not a known field");
        assertInvalid(
                good.replace("\"luts\" : 900000", "\"luts\" : \"many\""),
                Format.JSON,
                "$.fabric.resources.luts",
                "a whole number");
        assertInvalid(
                good.replace("\"regionKind\" : \"FULL\"", "\"regionKind\" : \"HALF\""),
                Format.JSON,
                "$.fabric.regionKind",
                "one of FULL, PARTIAL");
        assertInvalid(
                good.replace("\"workloads\" : [", "\"workloads\" : [ ], \"x\" : ["),
                Format.JSON,
                "$.x",
                "is not a known field");
    }

    @Test
    void wholeProfileRulesCarryTheIndex() {
        String good = json(List.of(sample().get(1)));
        String noWorkloads = good.replaceAll("(?s)\"workloads\" : \\[.*?\\],", "\"workloads\" : [ ],");
        assertInvalid(
                "[" + good.replace("zstd-u250", "other") + "," + noWorkloads + "]",
                Format.JSON,
                "$[1].workloads",
                "at least one");
        assertInvalid("[" + good + "," + good + "]", Format.JSON, "$[1].personalityId", "also the ID of $[0]");
        assertInvalid("{\"description\":\"x\"}", Format.JSON, "$.name", "is required");
    }

    @Test
    void malformedDocuments() {
        assertInvalid("{\"name\": ", Format.JSON, "$", "is not well-formed");
        assertInvalid("", Format.JSON, "$", "is empty");
        assertInvalid("42", Format.JSON, "$", "must be a profile");
        assertInvalid("{\"name\":\"a\",\"name\":\"b\"}", Format.JSON, "$", "Duplicate field 'name'");
        assertInvalid("- name: [unclosed", Format.YAML, "$", "is not well-formed");
        assertInvalid("[".repeat(200), Format.JSON, "$", "is not well-formed");
    }

    @Test
    void formatFollowsTheFileName() {
        assertThat(Format.of("profiles.YAML")).isEqualTo(Format.YAML);
        assertThat(Format.of("p.yml")).isEqualTo(Format.YAML);
        assertThat(Format.of("p.json")).isEqualTo(Format.JSON);
        assertThat(Format.of("p")).isEqualTo(Format.JSON);
    }

    @Test
    void bytesThatAreNoTextAreAValidationError() {
        // Found by HostileInputIT: NUL bytes make the parser guess UTF-32, which then fails.
        for (byte[] bytes : new byte[][] {{' ', '{', 0, 0, 0}, {0, 0, (byte) 0xff, (byte) 0xfe, 1}, {0, 0, 0}}) {
            assertThatThrownBy(() -> files.read(new ByteArrayInputStream(bytes), Format.JSON, Origin.ADMIN, NOW))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("$: ");
        }
    }
}
