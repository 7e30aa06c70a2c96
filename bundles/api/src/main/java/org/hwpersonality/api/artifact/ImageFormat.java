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

    /**
     * Whether an image's first bytes are those of this format's container: {@code xclbin2\0} (xclbin), the GBS GUID
     * {@code XeonFPGA·GBSv001} or the legacy BBS magic 0x1d1f8680 (GBS), {@code agfi-} (an AFI reference),
     * {@code HWPSIM01} (simulator). A cheap first check; the vendor's back end reads the whole image.
     */
    public boolean startsLike(byte[] head) {
        return switch (this) {
            case XCLBIN -> startsWith(head, "xclbin2\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            case GBS ->
                startsWith(head, new byte[] {
                            'X', 'e', 'o', 'n', 'F', 'P', 'G', 'A', (byte) 0xB7, 'G', 'B', 'S', 'v', '0', '0', '1'
                        })
                        || startsWith(head, new byte[] {(byte) 0x80, (byte) 0x86, 0x1f, 0x1d});
            case AFI -> startsWith(head, "agfi-".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            case SIM -> startsWith(head, SimImage.MAGIC);
        };
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        if (head.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (head[i] != prefix[i]) {
                return false;
            }
        }
        return true;
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
