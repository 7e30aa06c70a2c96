package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import java.util.Optional;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.Id;
import javax.persistence.Table;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.ImageFormat;

/** Metadata of a programming image; the bytes live in the content-addressed blob store under the same SHA-256. */
@Entity
@Table(name = "HWP_BITSTREAM")
public class BitstreamEntity {
    @Id
    @Column(name = "SHA256")
    private String sha256;

    @Column(name = "NAME")
    private String name;

    @Column(name = "VENDOR")
    private String vendor;

    @Enumerated(EnumType.STRING)
    @Column(name = "FORMAT")
    private ImageFormat format;

    @Column(name = "SIZE_BYTES")
    private long sizeBytes;

    @Column(name = "INTERFACE_ID")
    private String interfaceId;

    @Column(name = "STORED_AT")
    private Instant storedAt;

    @Column(name = "SIGNATURE")
    private String signature;

    protected BitstreamEntity() {}

    public BitstreamEntity(Bitstream b) {
        this.sha256 = b.sha256().hex();
        this.name = b.name();
        this.vendor = b.vendor();
        this.format = b.format();
        this.sizeBytes = b.sizeBytes();
        this.interfaceId = b.interfaceId().orElse(null);
        this.storedAt = b.storedAt();
    }

    public java.util.Optional<String> signature() {
        return java.util.Optional.ofNullable(signature);
    }

    public void sign(String signature) {
        this.signature = signature;
    }

    public Bitstream toDomain() {
        return new Bitstream(
                new Sha256(sha256), name, vendor, format, sizeBytes, Optional.ofNullable(interfaceId), storedAt);
    }
}
