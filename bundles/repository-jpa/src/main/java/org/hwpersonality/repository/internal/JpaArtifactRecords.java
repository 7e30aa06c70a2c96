package org.hwpersonality.repository.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.store.ArtifactRecords;
import org.hwpersonality.json.HwpJson;
import org.hwpersonality.repository.internal.entity.BitstreamEntity;
import org.hwpersonality.repository.internal.entity.DriverPackageEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Bitstream and driver-package metadata in the HWP database. */
@Component(service = ArtifactRecords.class)
public class JpaArtifactRecords implements ArtifactRecords {
    private static final Set<AllocationState> HOLDING = EnumSet.copyOf(java.util.Arrays.stream(AllocationState.values())
            .filter(AllocationState::holdsRegion)
            .toList());

    private final Database database;
    private final ObjectMapper json = HwpJson.newJsonMapper().disable(SerializationFeature.INDENT_OUTPUT);

    @Activate
    public JpaArtifactRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public Bitstream saveBitstream(Bitstream bitstream) {
        return database.inTransaction(em -> {
            BitstreamEntity existing =
                    em.find(BitstreamEntity.class, bitstream.sha256().hex());
            if (existing != null) {
                return existing.toDomain();
            }
            em.persist(new BitstreamEntity(bitstream));
            return bitstream;
        });
    }

    @Override
    public void signBitstream(Sha256 sha256, String signature) {
        database.inTransaction(em -> {
            BitstreamEntity b = em.find(BitstreamEntity.class, sha256.hex());
            if (b == null) {
                throw HwpException.notFound("bitstream", sha256.hex());
            }
            if (b.signature().isEmpty()) {
                b.sign(signature);
            }
            return null;
        });
    }

    @Override
    public Optional<String> bitstreamSignature(Sha256 sha256) {
        return database.read(em -> Optional.ofNullable(em.find(BitstreamEntity.class, sha256.hex()))
                .flatMap(BitstreamEntity::signature));
    }

    @Override
    public Optional<Bitstream> bitstream(Sha256 sha256) {
        return database.read(em -> Optional.ofNullable(em.find(BitstreamEntity.class, sha256.hex()))
                .map(BitstreamEntity::toDomain));
    }

    @Override
    public List<Bitstream> bitstreams() {
        return database.read(em -> em
                .createQuery("SELECT b FROM BitstreamEntity b ORDER BY b.name, b.sha256", BitstreamEntity.class)
                .getResultList()
                .stream()
                .map(BitstreamEntity::toDomain)
                .toList());
    }

    @Override
    public DriverPackage saveDriverPackage(DriverPackage p) {
        return database.inTransaction(em -> {
            DriverPackageEntity existing = em.find(DriverPackageEntity.class, p.id());
            if (existing != null) {
                DriverPackage stored = read(existing);
                if (stored.archiveSha256().equals(p.archiveSha256())) {
                    return stored;
                }
                throw HwpException.conflict("driver package '" + p.id() + "' exists with another archive ("
                        + stored.archiveSha256() + "); publish a new version");
            }
            em.persist(new DriverPackageEntity(p, write(p)));
            return p;
        });
    }

    @Override
    public Optional<DriverPackage> driverPackage(String packageId) {
        return database.read(em -> Optional.ofNullable(em.find(DriverPackageEntity.class, packageId))
                .map(this::read));
    }

    @Override
    public List<DriverPackage> driverPackages() {
        return database.read(em -> em
                .createQuery("SELECT d FROM DriverPackageEntity d ORDER BY d.id", DriverPackageEntity.class)
                .getResultList()
                .stream()
                .map(this::read)
                .toList());
    }

    @Override
    public void deleteDriverPackage(String packageId) {
        database.inTransaction(em -> {
            DriverPackageEntity entity = em.find(DriverPackageEntity.class, packageId);
            if (entity == null) {
                throw HwpException.notFound("driver package", packageId);
            }
            List<String> users = em.createQuery(
                            "SELECT a.id FROM AllocationEntity a WHERE a.heldRegion IS NOT NULL AND a.driverPackageId = :id"
                                    + " AND a.state IN :holding",
                            String.class)
                    .setParameter("id", packageId)
                    .setParameter("holding", HOLDING)
                    .setMaxResults(3)
                    .getResultList();
            if (!users.isEmpty()) {
                throw HwpException.conflict("driver package '" + packageId + "' is used by allocation(s) " + users);
            }
            em.remove(entity);
            return null;
        });
    }

    @Override
    public Set<Sha256> referencedBlobs() {
        return database.read(em -> {
            Set<Sha256> blobs = new HashSet<>();
            em.createQuery("SELECT b.sha256 FROM BitstreamEntity b", String.class)
                    .getResultList()
                    .forEach(h -> blobs.add(new Sha256(h)));
            em.createQuery("SELECT d.archiveSha256 FROM DriverPackageEntity d", String.class)
                    .getResultList()
                    .forEach(h -> blobs.add(new Sha256(h)));
            return blobs;
        });
    }

    private String write(DriverPackage p) {
        try {
            return json.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write driver package " + p.id(), e);
        }
    }

    private DriverPackage read(DriverPackageEntity entity) {
        try {
            return json.readValue(entity.manifest(), DriverPackage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored driver package cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
