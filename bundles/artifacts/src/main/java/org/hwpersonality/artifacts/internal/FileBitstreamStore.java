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
        return records.saveBitstream(b);
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
}
