package org.hwpersonality.artifacts.internal;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.store.ArtifactRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The store of programming images. An upload is stored by SHA-256; when the back end that reads its format is
 * present (the vendor's, or the simulator for SIM images) it reads the image's header first (a corrupt image is refused and nothing is stored) and the interface ID it
 * finds is recorded. An image stored on any node can be programmed on every node: {@link #path} copies it from the
 * database into this node's cache when the cache lacks it.
 */
@Component(service = BitstreamStore.class)
public class FileBitstreamStore implements BitstreamStore {
    private final ArtifactStorage storage;
    private final ArtifactRecords records;
    private final List<ReconfigurationBackend> backends = new CopyOnWriteArrayList<>();

    @Activate
    public FileBitstreamStore(@Reference ArtifactStorage storage, @Reference ArtifactRecords records) {
        this.storage = storage;
        this.records = records;
        // Images stored before images were signed (an upgraded database) are signed once, by the first node up.
        for (Bitstream b : records.bitstreams()) {
            if (records.bitstreamSignature(b.sha256()).isEmpty()) {
                sign(b);
            }
        }
    }

    private void sign(Bitstream b) {
        records.signBitstream(b.sha256(), storage.signer().sign(ImageSignature.payload(b)));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindBackend(ReconfigurationBackend backend) {
        backends.add(backend);
    }

    void unbindBackend(ReconfigurationBackend backend) {
        backends.remove(backend);
    }

    @Override
    public Bitstream add(InputStream image, String name, String vendor, ImageFormat format) {
        if (name == null || name.isBlank() || name.length() > 255 || name.contains("/") || name.contains("\\")) {
            throw new ValidationException("name", "must be a file name of 1 to 255 characters without '/' or '\\\\'");
        }
        new Bitstream(Sha256.of(new byte[32]), name, vendor, format, 1, Optional.empty(), Instant.EPOCH);
        // Simulator images are read by the simulator whatever vendor's cards they are for; others by their vendor.
        String reader = format == ImageFormat.SIM ? "sim" : vendor;
        Optional<ReconfigurationBackend> backend =
                backends.stream().filter(b -> reader.equals(b.vendor())).findFirst();
        AtomicReference<Optional<String>> interfaceId = new AtomicReference<>(Optional.empty());
        BlobStore.Stored stored = storage.blobs().put(image, storage.maxBitstreamBytes(), content -> {
            byte[] head = new byte[16];
            int n;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(content)) {
                n = in.readNBytes(head, 0, head.length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (!format.startsLike(java.util.Arrays.copyOf(head, n))) {
                throw new ValidationException(
                        "image",
                        "is not " + article(format) + " " + format
                                + " image: its first bytes are not those of the format");
            }
            if (backend.isPresent()) {
                interfaceId.set(inspect(backend.get(), content, format).interfaceId());
            }
        });
        Bitstream b = new Bitstream(
                stored.sha256(), name, vendor, format, stored.sizeBytes(), interfaceId.get(), Instant.now());
        Bitstream saved = records.saveBitstream(b);
        sign(saved); // once: an image stored before keeps its signature
        return saved;
    }

    private static String article(ImageFormat f) {
        return f == ImageFormat.AFI || f == ImageFormat.XCLBIN ? "an" : "a";
    }

    private static ImageDescriptor inspect(ReconfigurationBackend backend, Path content, ImageFormat format) {
        ImageDescriptor d;
        try {
            d = backend.inspect(content);
        } catch (BackendException e) {
            throw new ValidationException("image", e.getMessage());
        }
        if (d.format() != format) {
            throw new ValidationException("format", "the image is " + d.format() + ", not " + format);
        }
        return d;
    }

    @Override
    public Optional<Bitstream> find(Sha256 sha256) {
        return records.bitstream(sha256);
    }

    @Override
    public List<Bitstream> list() {
        return records.bitstreams();
    }

    @Override
    public Path path(Sha256 sha256) {
        if (records.bitstream(sha256).isEmpty()) {
            throw HwpException.notFound("bitstream", sha256.hex());
        }
        return storage.blobs().path(sha256);
    }

    @Override
    public Path verifiedPath(Sha256 sha256) {
        Bitstream b = records.bitstream(sha256).orElseThrow(() -> HwpException.notFound("bitstream", sha256.hex()));
        Path file = storage.blobs().path(sha256);
        Sha256 actual;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            actual = Sha256.of(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        } catch (java.io.IOException e) {
            throw HwpException.conflict(
                    "image " + sha256.hex() + " cannot be read for verification: " + e.getMessage());
        }
        if (!actual.equals(sha256)) {
            throw HwpException.conflict("image " + sha256.hex() + " failed verification: the file to load (" + file
                    + ") hashes to " + actual.hex() + "; it was changed after it was stored, and is not loaded");
        }
        String signature = records.bitstreamSignature(sha256)
                .orElseThrow(() -> HwpException.conflict("image " + sha256.hex()
                        + " failed verification: it carries no signature of this installation"));
        if (!DriverSigner.verify(storage.signer().publicKey(), ImageSignature.payload(b), signature)) {
            throw HwpException.conflict("image " + sha256.hex() + " failed verification: the installation's"
                    + " signature does not match its record (name, vendor, format, size, interface ID)");
        }
        return file;
    }
}
