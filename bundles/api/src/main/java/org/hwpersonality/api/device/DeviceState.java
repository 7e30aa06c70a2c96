package org.hwpersonality.api.device;

/** Whether a device takes new allocations. */
public enum DeviceState {
    /** Its back end is present and it takes new allocations. */
    ONLINE,
    /** Running allocations continue; no new ones. */
    DRAINING,
    /** Its back end is gone; allocations are kept and resume when it returns. */
    OFFLINE,
    /** Its back end reports it unhealthy; no new allocations. */
    FAILED
}
