package org.hwpersonality.management.internal;

import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileFilter;
import org.hwpersonality.api.store.SharingRecords;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.api.store.VmRecords;
import org.hwpersonality.api.tenant.Sharing;
import org.hwpersonality.api.vm.VirtualMachine;

/**
 * The rules that keep tenants apart on shared hardware, in one place: which profiles a tenant's VM may be matched with
 * (the profile and its image both shared with the tenant, or public; a DERIVED profile shares its parent's rule unless
 * it has its own), which tenant's data a region may hold once a personality ran there (none for a shareable one), and
 * when a region must be cleared before a VM gets it (it may hold another tenant's).
 *
 * <p>The sharing records are read into memory: at start, at once on this node's changes and on every node's through
 * {@link Signals#SHARING_CHANGED}, and every few seconds in case a signal was lost.
 */
final class TenantSeparation implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TenantSeparation.class.getName());

    private record Snapshot(Map<String, Sharing> profiles, Map<String, Sharing> images) {
        boolean restricts() {
            return profiles.values().stream().anyMatch(s -> !s.publicUse())
                    || images.values().stream().anyMatch(s -> !s.publicUse());
        }
    }

    private final SharingRecords records;
    private final VmRecords vms;
    private final Signals signals;
    private final AutoCloseable subscription;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    TenantSeparation(SharingRecords records, VmRecords vms, Signals signals) {
        this.records = records;
        this.vms = vms;
        this.signals = signals;
        this.subscription = signals.subscribe(Signals.SHARING_CHANGED, subject -> reloadQuietly());
        reloadQuietly();
    }

    /** Reads the sharing records again. */
    void reload() {
        snapshot = new Snapshot(records.all(SharingRecords.Subject.PROFILE), records.all(SharingRecords.Subject.IMAGE));
    }

    void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not read who may load which image; the last rules stay", e);
        }
    }

    /** Records a change and tells every node. */
    void set(SharingRecords.Subject kind, String subject, Sharing sharing, String actor) {
        records.set(kind, subject, sharing, actor);
        reload();
        signals.publish(Signals.SHARING_CHANGED, subject);
    }

    /** The profiles a VM of {@code tenant} may be matched with. */
    ProfileFilter filterFor(String tenant) {
        Snapshot s = snapshot;
        if (!s.restricts()) {
            return ProfileFilter.ALL;
        }
        return p -> profileSharing(s, p).permits(tenant) && imageSharing(s, p).permits(tenant);
    }

    /** Whether a VM of {@code tenant} may load {@code p}. */
    boolean permits(PersonalityProfile p, String tenant) {
        return filterFor(tenant).permits(p);
    }

    /** A profile's sharing: its own, else its parent's (a DERIVED one), else public. */
    Sharing profileSharing(PersonalityProfile p) {
        return profileSharing(snapshot, p);
    }

    /** An image's sharing (by SHA-256 in hex). */
    Sharing imageSharing(String sha256) {
        return snapshot.images().getOrDefault(sha256, Sharing.PUBLIC);
    }

    private static Sharing profileSharing(Snapshot s, PersonalityProfile p) {
        Sharing own = s.profiles().get(p.personalityId());
        if (own != null) {
            return own;
        }
        return p.lineage()
                .map(l -> s.profiles().getOrDefault(l.parentId(), Sharing.PUBLIC))
                .orElse(Sharing.PUBLIC);
    }

    private static Sharing imageSharing(Snapshot s, PersonalityProfile p) {
        return s.images().getOrDefault(p.fabric().bitstream().hex(), Sharing.PUBLIC);
    }

    /**
     * Whether {@code region} must be cleared before a VM of {@code tenant} uses it: it may hold another tenant's design
     * or data (its recorded tenant is another; a region that ran only shareable personalities since its last clear
     * has none).
     */
    boolean needsClear(Region region, String tenant) {
        return region.tenant().isPresent() && !region.tenant().get().equals(tenant);
    }

    /**
     * The tenant a region is recorded for once {@code p} runs there for a VM of {@code tenant}: that tenant, or — for a
     * shareable personality, which keeps no tenant data — empty, meaning "as it was".
     */
    Optional<String> recordedTenant(PersonalityProfile p, String tenant) {
        return profileSharing(p).shareable() ? Optional.empty() : Optional.of(tenant);
    }

    /** The tenant of a VM. */
    String tenantOf(String vmId) {
        return vms.find(vmId).map(VirtualMachine::tenant).orElseThrow(() -> HwpException.notFound("VM", vmId));
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing the sharing subscription", e);
        }
    }
}
