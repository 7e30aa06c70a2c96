package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.osgi.annotation.versioning.ProviderType;

/** Registered VMs, with the SHA-256 of their API tokens (never the tokens). */
@ProviderType
public interface VmRecords {
    /** Stores a new VM with its token's hash and an audit row; CONFLICT if the ID or the hash exists. */
    VirtualMachine register(VirtualMachine vm, Sha256 tokenHash, String actor);

    Optional<VirtualMachine> find(String vmId);

    /**
     * Records where a VM runs now (a migration, or a location learned later), with an audit row naming the old and
     * the new; NOT_FOUND if there is no such VM. Its allocations stay where they are.
     */
    VirtualMachine move(String vmId, VmLocation where, String actor);

    /** Revokes the VM's token for good (its allocations stay); NOT_FOUND if there is no such VM. */
    VirtualMachine revokeToken(String vmId, String actor);

    /** The VM whose token has this hash, if its token is not revoked. */
    Optional<VirtualMachine> findByToken(Sha256 tokenHash);

    List<VirtualMachine> list();
}
