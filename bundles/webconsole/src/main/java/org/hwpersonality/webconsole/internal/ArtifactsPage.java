package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DriverRepository;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Driver packages and programming images. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + ArtifactsPage.LABEL,
            "felix.webconsole.title=Drivers and bitstreams",
            "felix.webconsole.category=HWP"
        })
public class ArtifactsPage extends Page {
    static final String LABEL = "hwp-artifacts";
    private static final long serialVersionUID = 1L;

    private final transient DriverRepository drivers;
    private final transient BitstreamStore bitstreams;

    @Activate
    public ArtifactsPage(@Reference DriverRepository drivers, @Reference BitstreamStore bitstreams) {
        this.drivers = drivers;
        this.bitstreams = bitstreams;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        List<DriverPackage> packages = drivers.list();
        html.heading(packages.size() + " driver package(s)");
        List<List<String>> rows = new ArrayList<>();
        for (DriverPackage d : packages) {
            rows.add(List.of(
                    esc(d.id()),
                    esc(d.version()),
                    esc(d.osFamily() + " " + d.kernels()),
                    esc(String.join(", ", d.serves())),
                    esc(d.archiveSha256().hex().substring(0, 16) + "…"),
                    esc(d.sizeBytes())));
        }
        html.table("hwp-drivers", List.of("Package", "Version", "OS", "Serves", "SHA-256", "Bytes"), rows);
        List<Bitstream> images = bitstreams.list();
        html.raw("<h3>").text(images.size() + " programming image(s)").raw("</h3>");
        List<List<String>> imageRows = new ArrayList<>();
        for (Bitstream b : images) {
            imageRows.add(List.of(
                    esc(b.sha256().hex()),
                    esc(b.name()),
                    esc(b.vendor()),
                    esc(b.format()),
                    esc(b.sizeBytes()),
                    esc(b.interfaceId().orElse(""))));
        }
        html.table("hwp-bitstreams", List.of("SHA-256", "Name", "Vendor", "Format", "Bytes", "Interface"), imageRows);
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
    }
}
