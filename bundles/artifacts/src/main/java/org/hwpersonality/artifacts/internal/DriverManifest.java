package org.hwpersonality.artifacts.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.DriverFile;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.hwpersonality.json.HwpJson;

/**
 * The {@code hwp-driver.json} file at the root of a driver package: what it is, for which guests and
 * personalities, its files with their kinds, and how to load it. Sizes and digests are not written by hand:
 * the repository computes them from the archive.
 *
 * <pre>{"name":"xrt-zstd","version":"2.16.204","osFamily":"linux","kernels":"[5.4,6.9)","architecture":"x86_64",
 *  "serves":["zstd-u250-v1","family:alveo-u250"],
 *  "files":[{"path":"lib/modules/xocl.ko","kind":"MODULE"},{"path":"etc/xrt.ini","kind":"CONFIG"}],
 *  "loadInstructions":["insmod lib/modules/xocl.ko"]}</pre>
 */
public record DriverManifest(
        String name,
        String version,
        String osFamily,
        KernelRange kernels,
        String architecture,
        List<String> serves,
        List<File> files,
        List<String> loadInstructions) {

    /** A file the manifest declares, with its kind. */
    public record File(String path, DriverFile.Kind kind) {}

    private static final ObjectMapper JSON = HwpJson.newJsonMapper();

    /** Parses the manifest; errors name the JSON path inside {@code hwp-driver.json}. */
    public static DriverManifest parse(byte[] bytes) {
        try {
            return JSON.readValue(bytes, DriverManifest.class);
        } catch (JsonProcessingException e) {
            ValidationException v = HwpJson.invalid(e);
            throw new ValidationException(DriverArchive.MANIFEST + " " + v.field(), v.reason());
        } catch (IOException e) {
            throw new ValidationException(DriverArchive.MANIFEST, "cannot be read");
        }
    }

    /** The package ID: {@code NAME-VERSION-OS-ARCH}, e.g. {@code xrt-zstd-2.16.204-linux-x86_64}. */
    public String packageId() {
        return name + "-" + (version == null ? "" : version.replace('+', '_')) + "-" + osFamily + "-" + architecture;
    }
}
