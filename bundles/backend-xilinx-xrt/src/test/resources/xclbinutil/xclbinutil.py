#!/usr/bin/env python3
# Fake XRT xclbinutil for tests: "--validate-signature --certificate CERT --input FILE" only, as XRT's
# src/runtime_src/tools/xclbinutil/XclBinSignature.cxx (verifyXclBinImage) does it, with the same output:
# the header lines, "Reading archive file...", "Validating signature...", then "Signed xclbin archive verification
# [SUCCESSFUL]" or "ERROR: <openssl reason>" and "... [FAILED]" (exit code 0 either way); an image whose
# m_signature_length is -1 throws "ERROR: Xclbin image is not signed. File: '<FILE>'" (exit code 1). The check is
# real: the image as it was before signing (m_length less the signature, m_signature_length -1) against the PKCS#7
# DER signature appended after it, with the certificate, by "openssl smime -verify ... -noverify -certfile CERT"
# (the equivalent openssl command that XclBinSignature.cxx names). Each invocation's arguments go to calls.log.
import os
import struct
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "calls.log"), "a") as log:
    log.write("xclbinutil " + " ".join(sys.argv[1:]) + "\n")
args = sys.argv[1:]
if "--validate-signature" not in args:
    print("ERROR: this fake knows --validate-signature only", file=sys.stderr)
    sys.exit(2)
certificate = args[args.index("--certificate") + 1]
image = args[args.index("--input") + 1]
print("-" * 70)
print("Verifying signature for archive file: '%s'" % image)
print("                    Certificate file: '%s'" % certificate)
data = bytearray(open(image, "rb").read())
if data[0:8] != b"xclbin2\0":
    print("ERROR: The XCLBIN appears to be corrupted.  Expected magic value: 'xclbin2', actual: '%s'"
          % data[0:7].decode("latin-1"), file=sys.stderr)
    sys.exit(1)
(signature_length,) = struct.unpack_from("<i", data, 8)
(length,) = struct.unpack_from("<Q", data, 304)
if length != len(data):
    print("ERROR: Expected files size (0x%x) does not match actual (0x%x)" % (length, len(data)), file=sys.stderr)
    sys.exit(1)
if signature_length == -1:
    print("ERROR: Xclbin image is not signed. File: '%s'" % image, file=sys.stderr)
    sys.exit(1)
print("Reading archive file...")
original = length - signature_length
signature = bytes(data[original:length])
struct.pack_into("<Q", data, 304, original)
struct.pack_into("<i", data, 8, -1)
print("Validating signature...")
with tempfile.TemporaryDirectory() as tmp:
    content = os.path.join(tmp, "image")
    sig = os.path.join(tmp, "signature")
    open(content, "wb").write(bytes(data[0:original]))
    open(sig, "wb").write(signature)
    checked = subprocess.run(
        ["openssl", "smime", "-verify", "-in", sig, "-inform", "DER", "-content", content, "-noverify",
         "-certfile", certificate, "-binary", "-out", os.devnull],
        capture_output=True, text=True)
if checked.returncode == 0:
    print("Signed xclbin archive verification [SUCCESSFUL]")
else:
    reason = (checked.stderr.strip().splitlines() or ["verification failure"])[-1]
    print("ERROR: " + reason)
    print("Signed xclbin archive verification [FAILED]")
print("-" * 70)
