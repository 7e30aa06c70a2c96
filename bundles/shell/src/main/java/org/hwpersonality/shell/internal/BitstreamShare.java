package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Sharing;

/** {@code bitstream:share SHA256 [TENANT...] [--public]}: who may load an image. */
@Service
@Command(
        scope = "bitstream",
        name = "share",
        description = "Sets who may load a programming image: --public (any tenant), or the tenants named (none:"
                + " administrators only)")
public class BitstreamShare implements Action {
    @Argument(index = 0, name = "sha256", description = "The image's SHA-256", required = true)
    String sha256;

    @Argument(index = 1, name = "tenants", description = "Tenants that may load it", multiValued = true)
    List<String> tenants;

    @Option(name = "--public", description = "Any tenant may load it")
    boolean publicUse;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        Sha256 image;
        try {
            image = Sha256.of(sha256);
        } catch (org.hwpersonality.api.ValidationException e) {
            throw new org.hwpersonality.api.ValidationException("sha256", e.reason());
        }
        Sharing s = management.shareImage(image, Sharings.of(publicUse, tenants, false), Actors.current());
        System.out.println("Image " + image.hex() + " may be loaded by " + Sharings.describe(s));
        return null;
    }
}
