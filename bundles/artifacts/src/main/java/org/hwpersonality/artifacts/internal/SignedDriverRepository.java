package org.hwpersonality.artifacts.internal;

import java.io.InputStream;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.DriverFile;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.DriverRepository;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.ArtifactRecords;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Driver Repository: validates an uploaded package (safe archive, manifest that matches its files), stores
 * it by SHA-256, signs it with the repository's Ed25519 key and records its metadata. Resolution gives the
 * highest version that serves a personality and supports the guest.
 */
@Component(service = DriverRepository.class)
public class SignedDriverRepository implements DriverRepository {
    private final ArtifactStorage storage;
    private final ArtifactRecords records;
    private final ProfileRepository profiles;

    @Activate
    public SignedDriverRepository(
            @Reference ArtifactStorage storage,
            @Reference ArtifactRecords records,
            @Reference ProfileRepository profiles) {
        this.storage = storage;
        this.records = records;
        this.profiles = profiles;
    }

    @Override
    public DriverPackage add(InputStream archive, String fileName) {
        AtomicReference<DriverArchive.Contents> contents = new AtomicReference<>();
        AtomicReference<DriverManifest> manifest = new AtomicReference<>();
        BlobStore.Stored stored = storage.blobs().put(archive, storage.maxPackageBytes(), content -> {
            DriverArchive.Contents read = DriverArchive.read(content, storage.packageLimits());
            DriverManifest parsed = DriverManifest.parse(read.manifest());
            describe(parsed, read, Sha256.of(new byte[32]), 1, ""); // refuses what does not match, before it is stored
            contents.set(read);
            manifest.set(parsed);
        });
        Sha256 manifestSha = Sha256.of(BlobStore.sha256().digest(contents.get().manifest()));
        String id = manifest.get().packageId();
        String signature = storage.signer().sign(DriverSigner.payload(id, stored.sha256(), manifestSha));
        DriverPackage described =
                describe(manifest.get(), contents.get(), stored.sha256(), stored.sizeBytes(), signature);
        try {
            return records.saveDriverPackage(described);
        } catch (RuntimeException e) {
            if (stored.created() && !records.referencedBlobs().contains(stored.sha256())) {
                storage.blobs().deleteCached(stored.sha256());
            }
            throw e;
        }
    }

    /** The package the manifest and the archive describe; refuses a manifest that does not match the files. */
    private DriverPackage describe(
            DriverManifest manifest, DriverArchive.Contents contents, Sha256 archive, long size, String signature) {
        Map<String, DriverArchive.FileEntry> inArchive = new HashMap<>();
        contents.files().forEach(f -> inArchive.put(f.path(), f));
        List<DriverManifest.File> declared = manifest.files() == null ? List.of() : manifest.files();
        for (int i = 0; i < declared.size(); i++) {
            DriverManifest.File f = declared.get(i);
            if (f == null || f.path() == null || !inArchive.containsKey(f.path())) {
                throw new ValidationException(
                        DriverArchive.MANIFEST + " $.files[" + i + "].path",
                        "'" + (f == null ? null : f.path()) + "' is not a file of the archive");
            }
        }
        List<String> declaredPaths =
                declared.stream().map(DriverManifest.File::path).toList();
        for (DriverArchive.FileEntry entry : contents.files()) {
            if (!declaredPaths.contains(entry.path())) {
                throw new ValidationException(
                        "archive", "entry '" + entry.path() + "': is not declared in " + DriverArchive.MANIFEST);
            }
        }
        List<DriverFile> files = declared.stream()
                .map(f -> {
                    DriverArchive.FileEntry e = inArchive.get(f.path());
                    return new DriverFile(f.path(), f.kind(), e.size(), new Sha256(e.sha256()));
                })
                .toList();
        try {
            return new DriverPackage(
                    manifest.packageId(),
                    manifest.name(),
                    manifest.version(),
                    manifest.osFamily(),
                    manifest.kernels(),
                    manifest.architecture(),
                    manifest.serves(),
                    files,
                    manifest.loadInstructions(),
                    archive,
                    size,
                    signature,
                    Instant.now());
        } catch (ValidationException e) {
            throw new ValidationException(DriverArchive.MANIFEST + " $." + e.field(), e.reason());
        }
    }

    @Override
    public Optional<DriverPackage> resolve(String personalityId, OsInfo os) {
        PersonalityProfile profile =
                profiles.find(personalityId).orElseThrow(() -> HwpException.notFound("profile", personalityId));
        String driverName = profile.osSupport().stream()
                .filter(s -> s.covers(os))
                .map(s -> s.driverName())
                .findFirst()
                .orElse("");
        String name = profile.name();
        String family = profile.compatibility().family();
        return records.driverPackages().stream()
                .filter(p -> p.affinity(personalityId, name, family, driverName, os) > 0)
                .max(Comparator.<DriverPackage>comparingInt(
                                p -> p.affinity(personalityId, name, family, driverName, os))
                        .thenComparing(p -> p, DriverPackage::compareVersion)
                        .thenComparing(DriverPackage::storedAt));
    }

    @Override
    public Optional<DriverPackage> find(String packageId) {
        return records.driverPackage(packageId);
    }

    @Override
    public List<DriverPackage> list() {
        return records.driverPackages();
    }

    @Override
    public void remove(String packageId) {
        DriverPackage p =
                records.driverPackage(packageId).orElseThrow(() -> HwpException.notFound("driver package", packageId));
        records.deleteDriverPackage(packageId);
        if (!records.referencedBlobs().contains(p.archiveSha256())) {
            storage.blobs().deleteCached(p.archiveSha256());
        }
    }

    @Override
    public InputStream open(String packageId) {
        DriverPackage p =
                records.driverPackage(packageId).orElseThrow(() -> HwpException.notFound("driver package", packageId));
        return storage.blobs().open(p.archiveSha256());
    }

    @Override
    public byte[] publicKey() {
        return storage.signer().publicKey();
    }
}
