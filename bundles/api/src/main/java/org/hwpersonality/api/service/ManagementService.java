package org.hwpersonality.api.service;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.tenant.Sharing;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.api.vm.VmRegistration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Management Service (steps 2 to 6): registers VMs, matches their requests, reserves a region in a
 * database transaction, has the back end program it, and releases or re-personalizes allocations. A VM holds at
 * most one allocation per slot its requests name (two for a moment during a re-personalization), and at most the
 * configured number in all. {@code actor} names who asked (an administrator, or the VM itself) for the audit trail.
 */
@ProviderType
public interface ManagementService {
    /** Whether the service has loaded its index and serves requests (until then they wait, then get 503). */
    boolean isReady();

    /** Registers a VM and issues its API token (returned once, stored hashed). */
    default VmRegistration registerVm(String name, OsInfo os, String actor) {
        return registerVm(name, os, VmLocation.ANYWHERE, actor);
    }

    /** Registers a VM of the default tenant that runs at {@code where}. */
    default VmRegistration registerVm(String name, OsInfo os, VmLocation where, String actor) {
        return registerVm(name, os, where, Tenant.DEFAULT, actor);
    }

    /**
     * Registers a VM of {@code tenant} (which must exist) that runs at {@code where} (its host must be a node of the
     * installation with the {@code host} role) and issues its API token (returned once, stored hashed).
     */
    VmRegistration registerVm(String name, OsInfo os, VmLocation where, String tenant, String actor);

    /** The installation's tenants, by ID. */
    List<Tenant> tenants();

    /** Adds a tenant; CONFLICT if its ID exists, a validation error naming the field for a bad ID or description. */
    Tenant addTenant(String id, String description, String actor);

    /**
     * Sets the most allocations a tenant's VMs may hold at once (empty: no limit). A request over it is refused with
     * TENANT_QUOTA (HTTP 429); a re-personalization, which replaces an allocation, is not.
     */
    Tenant setTenantQuota(String id, Optional<Integer> maxAllocations, String actor);

    /** Who may load a profile (its own record, else its parent's for a DERIVED one, else public); NOT_FOUND if unknown. */
    Sharing profileSharing(String personalityId);

    /**
     * Sets who may load a profile; NOT_FOUND for an unknown profile, a validation error naming {@code tenants} for an
     * unknown tenant. Takes effect for the next request on every node.
     */
    Sharing shareProfile(String personalityId, Sharing sharing, String actor);

    /** Who may load a stored image; NOT_FOUND if unknown. */
    Sharing imageSharing(Sha256 image);

    /** Sets who may load a stored image ({@code shareable} is for profiles: refused here). */
    Sharing shareImage(Sha256 image, Sharing sharing, String actor);

    /**
     * Records where a VM runs now (after a migration): later requests are matched on its new host; the allocations it
     * holds stay where they are until released or re-personalized.
     */
    VirtualMachine moveVm(String vmId, VmLocation where, String actor);

    List<VirtualMachine> vms();

    Optional<VirtualMachine> vm(String vmId);

    /** Revokes a VM's token: it can no longer call the API (its allocations stay until released). */
    VirtualMachine revokeToken(String vmId, String actor);

    /** The VM whose token this is, if the token is valid. */
    Optional<VirtualMachine> authenticate(String token);

    /**
     * A Personality Request: an ACTIVE allocation; or NO_MATCHING_PROFILE (no profile, even adjusted, meets it),
     * NO_CAPACITY (profiles fit but no compatible region is free), NOT_FOUND (unknown VM), CONFLICT (the VM holds
     * an allocation in the request's slot already, or as many as it may).
     */
    AllocationResult request(PersonalityRequest request, String actor);

    /**
     * A Re-personalization Request: a new allocation (make-before-break when a region is free, else in place), or
     * the current one with {@code changed == false} when it still serves the VM best.
     */
    AllocationResult repersonalize(RepersonalizationRequest request, String actor);

    /**
     * Stores a VM's periodic report on the personality of one of its ACTIVE allocations (that of {@code slot}, or its
     * only one, as a re-personalization picks it), with whether it under-delivers at {@code threshold}; changes
     * nothing else. The learned figures of its personality are recomputed.
     */
    org.hwpersonality.api.outcome.Outcome report(
            String vmId, Metrics metrics, Optional<String> slot, Optional<Double> threshold, String actor);

    /** What the fleet learned of a personality, per device family and workload; empty when nothing was reported. */
    List<org.hwpersonality.api.outcome.LearnedFigures> learned(String personalityId);

    /** What is flagged now: personalities whose learned medians fall well short of their promise across VMs. */
    List<org.hwpersonality.api.outcome.LearnedFigures> underperforming();

    /** The sample count from which the matcher ranks a personality by its learned figures. */
    int learningMinSamples();

    /** Releases an ACTIVE allocation; its region is freed (and keeps its image for reuse). */
    Allocation release(String allocationId, String actor);

    /**
     * Releases {@code current}, the allocation as the caller has just read it (to see whose it is): the release
     * applies only if the allocation is still in that state, CONFLICT otherwise, so it is not read a second time.
     */
    Allocation release(Allocation current, String actor);

    Optional<Allocation> allocation(String allocationId);

    /**
     * Evicts a device: drains it (no new allocations), then moves each VM it serves to another device as a
     * re-personalization does, make-before-break (the new region is programmed before the old one is released), one
     * after the other until {@code deadline} has passed; the VMs not moved by then stay where they are, with why.
     */
    org.hwpersonality.api.allocation.Eviction evict(String deviceId, java.time.Duration deadline, String actor);

    /** Allocations, newest first, at most {@code limit}; those of one VM if {@code vmId} is not null. */
    List<Allocation> allocations(String vmId, int limit);
}
