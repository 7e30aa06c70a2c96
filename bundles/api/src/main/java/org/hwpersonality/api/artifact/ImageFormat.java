package org.hwpersonality.api.artifact;

/** Formats of programming images. */
public enum ImageFormat {
    /** AMD/Xilinx XRT container ({@code xclbin2} axlf header). */
    XCLBIN,
    /** Intel OPAE Green BitStream (GBS header with JSON metadata). */
    GBS,
    /** AWS F1 Amazon FPGA Image reference (agfi). */
    AFI,
    /** HWP's simulated-device image. */
    SIM;

    /** The format a file name's extension says ({@code .xclbin}, {@code .gbs}, {@code .afi}/{@code .agfi}, {@code .sim}). */
    public static java.util.Optional<ImageFormat> ofFileName(String fileName) {
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".xclbin")) {
            return java.util.Optional.of(XCLBIN);
        }
        if (lower.endsWith(".gbs")) {
            return java.util.Optional.of(GBS);
        }
        if (lower.endsWith(".afi") || lower.endsWith(".agfi")) {
            return java.util.Optional.of(AFI);
        }
        if (lower.endsWith(".sim")) {
            return java.util.Optional.of(SIM);
        }
        return java.util.Optional.empty();
    }

    /** The format named (any case), or a validation failure naming {@code field}. */
    public static ImageFormat parse(String field, String name) {
        for (ImageFormat f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new org.hwpersonality.api.ValidationException(
                field, "must be one of XCLBIN, GBS, AFI, SIM (was '" + name + "')");
    }
}
