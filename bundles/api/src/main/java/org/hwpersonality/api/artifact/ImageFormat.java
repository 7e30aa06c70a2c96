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
    SIM
}
