package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.Table;
import org.hwpersonality.api.artifact.DriverPackage;

/** A driver package: its manifest as a JSON document, with the columns that resolution filters on. */
@Entity
@Table(name = "HWP_DRIVER_PACKAGE")
public class DriverPackageEntity {
    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "NAME")
    private String name;

    @Column(name = "PACKAGE_VERSION")
    private String packageVersion;

    @Column(name = "OS_FAMILY")
    private String osFamily;

    @Column(name = "ARCHITECTURE")
    private String architecture;

    @Column(name = "ARCHIVE_SHA256")
    private String archiveSha256;

    @Column(name = "SIZE_BYTES")
    private long sizeBytes;

    @Column(name = "STORED_AT")
    private Instant storedAt;

    @Column(name = "MANIFEST")
    private String manifest;

    protected DriverPackageEntity() {}

    public DriverPackageEntity(DriverPackage p, String manifest) {
        this.id = p.id();
        this.name = p.name();
        this.packageVersion = p.version();
        this.osFamily = p.osFamily();
        this.architecture = p.architecture();
        this.archiveSha256 = p.archiveSha256().hex();
        this.sizeBytes = p.sizeBytes();
        this.storedAt = p.storedAt();
        this.manifest = manifest;
    }

    public String manifest() {
        return manifest;
    }
}
