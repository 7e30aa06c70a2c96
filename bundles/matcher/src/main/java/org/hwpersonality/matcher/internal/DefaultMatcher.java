package org.hwpersonality.matcher.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.allocation.MatchCandidate;
import org.hwpersonality.api.allocation.MatchOutcome;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.MatchInventory;
import org.hwpersonality.api.service.PersonalityMatcher;
import org.osgi.service.component.annotations.Component;

/**
 * Matching: hard constraints first (workload, guest OS with a driver package, every stated requirement; then a
 * device that takes allocations, of the profile's vendor, family and shell, with a FREE region of the right kind
 * and size), then the {@link Scoring score}. Profiles that meet the requirements as stored come before adjusted
 * variants; a refusal lists why the nearest candidates failed. The same request and inventory give the same
 * answer (ties are broken by Personality ID, device and region).
 */
@Component(service = PersonalityMatcher.class)
public class DefaultMatcher implements PersonalityMatcher {
    /** Refusal reasons kept, nearest first. */
    static final int MAX_REFUSALS = 10;

    /** A profile that meets the request, as stored or adjusted, before placement. */
    private record Option(
            PersonalityProfile profile, PerformanceFigures figures, Resources resources, Optional<Lineage> lineage) {}

    @Override
    public MatchResult match(PersonalityRequest request, MatchInventory inventory) {
        Requirements requirements = request.requirements();
        OsInfo os = request.os();
        List<String> refusals = new ArrayList<>();
        List<Option> exact = new ArrayList<>();
        List<Option> adjusted = new ArrayList<>();
        List<PersonalityProfile> profiles = inventory.activeProfilesFor(request.workload()).stream()
                .filter(p -> p.status() == ProfileStatus.ACTIVE)
                .sorted(Comparator.comparing(PersonalityProfile::personalityId))
                .toList();
        for (PersonalityProfile p : profiles) {
            Optional<WorkloadProfile> served = p.workload(request.workload());
            if (served.isEmpty()) {
                continue;
            }
            if (!p.supports(os)) {
                refusals.add(p.personalityId() + ": no support for " + os.family()
                        + os.kernel().map(k -> " " + k).orElse(""));
                continue;
            }
            if (!inventory.hasDriver(p, os)) {
                refusals.add(p.personalityId() + ": no driver package for " + os.family());
                continue;
            }
            PerformanceFigures figures = served.get().performance();
            List<String> unmet =
                    requirements.unmetBy(figures, p.fabric().resources().memoryMb());
            if (unmet.isEmpty()) {
                exact.add(new Option(p, figures, p.fabric().resources(), Optional.empty()));
                continue;
            }
            Optional<Adjustment.Variant> variant = Adjustment.cheapest(p, figures, requirements);
            if (variant.isPresent()) {
                Adjustment.Variant v = variant.get();
                adjusted.add(
                        new Option(p, v.figures(), v.resources(), Optional.of(Adjustment.lineage(p, v, requirements))));
            } else {
                refusals.add(p.personalityId() + ": " + String.join(", ", unmet)
                        + (p.tunables().isEmpty() ? "" : "; no variant of its tunables meets them"));
            }
        }
        if (profiles.isEmpty()) {
            refusals.add("no active profile serves workload " + request.workload());
        }
        if (exact.isEmpty() && adjusted.isEmpty()) {
            return MatchResult.refused(MatchOutcome.NO_MATCHING_PROFILE, nearest(refusals));
        }
        List<Device> devices = inventory.devices().stream()
                .sorted(Comparator.comparing(Device::id))
                .toList();
        List<MatchCandidate> placed = place(exact, devices, requirements);
        if (!placed.isEmpty()) {
            return new MatchResult(MatchOutcome.EXACT, placed, nearest(refusals));
        }
        placed = place(adjusted, devices, requirements);
        if (!placed.isEmpty()) {
            return new MatchResult(MatchOutcome.ADJUSTED, placed, nearest(refusals));
        }
        List<String> capacity = new ArrayList<>();
        for (Option o : exact.isEmpty() ? adjusted : exact) {
            capacity.add(o.profile().personalityId() + ": no FREE "
                    + o.profile().fabric().regionKind() + " region on an "
                    + o.profile().compatibility().vendor() + " "
                    + o.profile().compatibility().family() + " that takes allocations");
        }
        capacity.addAll(refusals);
        return MatchResult.refused(MatchOutcome.NO_CAPACITY, nearest(capacity));
    }

    private static List<MatchCandidate> place(List<Option> options, List<Device> devices, Requirements requirements) {
        List<MatchCandidate> candidates = new ArrayList<>();
        for (Option o : options) {
            PersonalityProfile p = o.profile();
            for (Device d : devices) {
                if (!d.acceptsAllocations() || !p.compatibility().accepts(d.vendor(), d.family(), d.interfaceId())) {
                    continue;
                }
                for (Region r : d.regions()) {
                    if (r.state() != RegionState.FREE
                            || r.kind() != p.fabric().regionKind()
                            || !o.resources().fitsIn(r.capacity())) {
                        continue;
                    }
                    boolean reuse = o.lineage().isEmpty()
                            && (r.loadedPersonalityId().equals(Optional.of(p.personalityId()))
                                    || r.loadedImage()
                                            .equals(Optional.of(p.fabric().bitstream())));
                    Scoring.Scored s = Scoring.score(o.figures(), o.resources(), r, reuse, requirements);
                    List<String> reasons = new ArrayList<>(s.reasons());
                    o.lineage()
                            .ifPresent(l -> reasons.add(0, "adjusted from " + l.parentId() + ": " + l.adjustments()));
                    candidates.add(new MatchCandidate(
                            p.personalityId(), d.id(), r.id(), o.figures(), s.score(), reuse, o.lineage(), reasons));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(MatchCandidate::score)
                .reversed()
                .thenComparing(MatchCandidate::personalityId)
                .thenComparing(MatchCandidate::deviceId)
                .thenComparing(MatchCandidate::regionId));
        return candidates;
    }

    private static List<String> nearest(List<String> refusals) {
        return refusals.subList(0, Math.min(MAX_REFUSALS, refusals.size()));
    }
}
