package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.json.HwpJson;
import org.hwpersonality.json.ProfileDraft;
import org.hwpersonality.json.ProfileFiles;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Profiles: filter by workload and vendor, show one with its lineage, import a JSON or YAML document, retire. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + ProfilesPage.LABEL,
            "felix.webconsole.title=Profiles",
            "felix.webconsole.category=HWP"
        })
public class ProfilesPage extends Page {
    static final String LABEL = "hwp-profiles";
    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN = 500;

    private final transient ProfileRepository profiles;
    private final transient ManagementService management;
    private final transient ObjectMapper json = HwpJson.newJsonMapper();

    @Activate
    public ProfilesPage(@Reference ProfileRepository profiles, @Reference ManagementService management) {
        this.profiles = profiles;
        this.management = management;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        String id = request.getParameter("id");
        if (id != null && !id.isBlank()) {
            show(id, html);
            return;
        }
        Optional<String> workload = filter(request, "workload");
        Optional<String> vendor = filter(request, "vendor");
        boolean retired = "on".equals(request.getParameter("retired"));
        List<PersonalityProfile> list = profiles.list(new ProfileQuery(workload, vendor, retired, 0, MAX_SHOWN));
        html.heading(list.size() + " profile(s)" + (list.size() == MAX_SHOWN ? " (first " + MAX_SHOWN + ")" : ""));
        flagged(html);
        html.raw("<form method=\"get\" id=\"hwp-filter\">Workload <input name=\"workload\" value=\"")
                .text(workload.orElse(""))
                .raw("\"> Vendor <input name=\"vendor\" value=\"")
                .text(vendor.orElse(""))
                .raw("\"> <label><input type=\"checkbox\" name=\"retired\"" + (retired ? " checked" : "")
                        + "> retired too</label> <button type=\"submit\" class=\"ui-button\">Filter</button></form>\n");
        List<List<String>> rows = new ArrayList<>();
        for (PersonalityProfile p : list) {
            rows.add(List.of(
                    Html.link("?id=" + p.personalityId(), p.personalityId()),
                    esc(p.name()),
                    esc(p.compatibility().vendor()),
                    esc(p.compatibility().family()),
                    esc(p.workloads().stream().map(w -> w.workload()).collect(Collectors.joining(", "))),
                    esc(p.origin()),
                    "<span class=\"hwp-status\">" + esc(p.status()) + "</span>",
                    p.status().name().equals("RETIRED")
                            ? ""
                            : Html.button("retire", "Retire", "id", p.personalityId())));
        }
        html.table(
                "hwp-profiles",
                List.of("Personality ID", "Name", "Vendor", "Family", "Workloads", "Origin", "Status", ""),
                rows);
        html.raw("<h3>Import</h3><form method=\"post\" id=\"hwp-import\">")
                .raw("<input type=\"hidden\" name=\"action\" value=\"import\">")
                .raw("<p>A profile or a list of profiles, as <code>personality:import</code> reads them.</p>")
                .raw("<textarea name=\"document\" rows=\"14\" cols=\"100\" id=\"hwp-import-document\"></textarea><br>")
                .raw("<select name=\"format\"><option>JSON</option><option>YAML</option></select> ")
                .raw("<button type=\"submit\" class=\"ui-button\" id=\"hwp-import-submit\">Import</button></form>\n");
    }

    private void show(String id, Html html) throws IOException {
        Optional<PersonalityProfile> found = profiles.find(id);
        if (found.isEmpty()) {
            html.flash(null, "profile '" + id + "' does not exist");
            return;
        }
        PersonalityProfile p = found.get();
        html.heading(p.personalityId() + " — " + p.status());
        html.raw("<p>").raw(Html.link("?", "All profiles")).raw("</p>");
        if (p.lineage().isPresent()) {
            html.raw("<p id=\"hwp-lineage\">Derived from ")
                    .raw(Html.link(
                            "?id=" + p.lineage().get().parentId(),
                            p.lineage().get().parentId()))
                    .raw(": ")
                    .text(p.lineage().get().adjustments())
                    .raw("</p>");
        } else {
            html.raw("<p id=\"hwp-lineage\">Origin ").text(p.origin()).raw(", no parent.</p>");
        }
        learned(p.personalityId(), html);
        html.raw("<pre id=\"hwp-profile\">")
                .text(json.writeValueAsString(ProfileDraft.of(p)))
                .raw("</pre>");
        if (!p.status().name().equals("RETIRED")) {
            html.raw(Html.button("retire", "Retire", "id", p.personalityId()));
        }
    }

    /** The personalities flagged as falling well short of their promise across VMs, for administrators to act on. */
    private void flagged(Html html) {
        List<LearnedFigures> flagged = management.underperforming();
        if (flagged.isEmpty()) {
            return;
        }
        html.raw("<p id=\"hwp-flagged\" class=\"ui-state-error\">Falling well short of their promise across VMs: ");
        html.raw(flagged.stream()
                .map(l -> Html.link("?id=" + l.personalityId(), l.personalityId()) + " (" + esc(l.family()) + ", "
                        + esc(l.workload()) + ", since " + esc(l.flaggedAt().orElseThrow()) + ")")
                .collect(Collectors.joining("; ")));
        html.raw("</p>\n");
    }

    /** What the VMs' reports taught of a profile, per family and workload; whether the matcher ranks by it. */
    private void learned(String personalityId, Html html) {
        List<LearnedFigures> learned = management.learned(personalityId);
        int minSamples = management.learningMinSamples();
        html.raw("<h3>Learned from the VMs' reports</h3>");
        if (learned.isEmpty()) {
            html.raw("<p id=\"hwp-learned\">No reports yet: ranked by its promise until ")
                    .text(minSamples)
                    .raw(" reports.</p>\n");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (LearnedFigures l : learned) {
            rows.add(List.of(
                    esc(l.family()),
                    esc(l.workload()),
                    esc(l.samples() + " from " + l.vms() + " VM(s)"),
                    figure(l.throughputMedian(), l.throughputLow()),
                    figure(l.latencyMedian(), l.latencyHigh()),
                    figure(l.powerMedian(), l.powerHigh()),
                    l.samples() >= minSamples ? "learned figures" : "promise (fewer than " + minSamples + ")",
                    l.flaggedAt()
                            .map(t -> "<span class=\"hwp-flag\">FLAGGED since " + esc(t) + "</span>")
                            .orElse("")));
        }
        html.table(
                "hwp-learned",
                List.of(
                        "Family",
                        "Workload",
                        "Reports",
                        "Throughput GOPS (median / p10)",
                        "Latency µs (median / p90)",
                        "Power W (median / p90)",
                        "Ranked by",
                        "Flag"),
                rows);
    }

    private static String figure(Optional<Double> median, Optional<Double> tail) {
        return median.map(m -> esc(String.format(java.util.Locale.ROOT, "%.1f / %.1f", m, tail.orElse(m))))
                .orElse("—");
    }

    private static Optional<String> filter(HttpServletRequest request, String name) {
        String v = request.getParameter(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) throws IOException {
        switch (action) {
            case "retire" -> {
                String id = param(request, "id");
                profiles.retire(id);
                return "Retired " + id;
            }
            case "import" -> {
                String document = param(request, "document");
                ProfileFiles.Format format = "YAML".equals(request.getParameter("format"))
                        ? ProfileFiles.Format.YAML
                        : ProfileFiles.Format.JSON;
                List<PersonalityProfile> read = new ProfileFiles()
                        .read(
                                new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)),
                                format,
                                Origin.IMPORTED,
                                Instant.now());
                List<PersonalityProfile> stored = profiles.storeAll(read);
                return "Imported "
                        + stored.stream().map(PersonalityProfile::personalityId).collect(Collectors.joining(", "));
            }
            default -> throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
        }
    }
}
