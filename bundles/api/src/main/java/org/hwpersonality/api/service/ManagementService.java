package org.hwpersonality.api.service;

import java.util.List;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmRegistration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Management Service (steps 2 to 6): registers VMs, matches their requests, reserves a region in a
 * database transaction, has the back end program it, and releases or re-personalizes allocations.
 */
@ProviderType
public interface ManagementService {
    /** Registers a VM and issues its API token (returned once, stored hashed). */
    VmRegistration registerVm(String name, OsInfo os);

    List<VirtualMachine> vms();

    /** A Personality Request: an ACTIVE allocation, or NO_MATCHING_PROFILE / NO_CAPACITY. */
    AllocationResult request(PersonalityRequest request);

    /** A Re-personalization Request: a new allocation, or the current one with {@code changed == false}. */
    AllocationResult repersonalize(RepersonalizationRequest request);

    /** Releases an allocation; its region is freed. */
    Allocation release(String allocationId);

    List<Allocation> allocations();
}
