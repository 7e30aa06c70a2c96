package org.hwpersonality.management.internal;

import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.profile.PersonalityProfile;

/** Whether a profile can go into a region of a device: vendor, family, shell interface, region kind, resources. */
final class FitCheck {
    private FitCheck() {}

    /** Refuses, naming what does not match, with INVALID_REQUEST. */
    static void require(PersonalityProfile p, Device device, Region region) {
        var c = p.compatibility();
        if (!c.accepts(device.vendor(), device.family(), device.interfaceId())) {
            throw new HwpException(
                    ErrorCode.INVALID_REQUEST,
                    "profile " + p.personalityId() + " is for " + c.vendor() + " " + c.family()
                            + (c.interfaceIds().isEmpty() ? "" : " shells " + c.interfaceIds()) + "; device "
                            + device.id() + " is "
                            + device.vendor() + " " + device.family() + " with shell " + device.interfaceId());
        }
        if (p.fabric().regionKind() != region.kind()) {
            throw new HwpException(
                    ErrorCode.INVALID_REQUEST,
                    "profile " + p.personalityId() + " needs a " + p.fabric().regionKind() + " region; " + device.id()
                            + "/" + region.id() + " is " + region.kind());
        }
        if (!p.fabric().resources().fitsIn(region.capacity())) {
            throw new HwpException(
                    ErrorCode.INVALID_REQUEST,
                    "profile " + p.personalityId() + " needs " + p.fabric().resources() + "; " + device.id() + "/"
                            + region.id() + " offers " + region.capacity());
        }
    }
}
