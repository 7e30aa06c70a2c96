package org.hwpersonality.management.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.allocation.Eviction;
import org.hwpersonality.api.allocation.MatchCandidate;
import org.hwpersonality.api.allocation.MatchOutcome;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.attach.Attachment;
import org.hwpersonality.api.attach.AttachmentException;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.outcome.Shortfall;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.Tunable;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.DriverRepository;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.MatchOptions;
import org.hwpersonality.api.service.PersonalityMatcher;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.service.StartupCheck;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.ArtifactRecords;
import org.hwpersonality.api.store.DeviceRecords;
import org.hwpersonality.api.store.EventLog;
import org.hwpersonality.api.store.OutcomeRecords;
import org.hwpersonality.api.store.SharingRecords;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.api.store.TaskRecords;
import org.hwpersonality.api.store.TenantRecords;
import org.hwpersonality.api.store.VmRecords;
import org.hwpersonality.api.tenant.Sharing;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.api.vm.VmRegistration;
import org.hwpersonality.metrics.HwpMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The management service: request → match (in memory) → claim the region on this node → reserve it in a database
 * transaction → program it through its back end → ACTIVE. A lost race (another node, or a stale index) refreshes
 * the device and matches again; a failed programming is rolled back and the next region is tried.
 */
@Component(service = ManagementService.class, immediate = true, configurationPid = "org.hwpersonality.management")
@Designate(ocd = Management.Config.class)
public class Management implements ManagementService {
    private static final Logger LOG = Logger.getLogger(Management.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    @ObjectClassDefinition(name = "HWP Management", description = "Matching, allocation and recovery.")
    public @interface Config {
        @AttributeDefinition(
                name = "Attempts per request",
                description = "Matches tried for one request when regions are taken meanwhile or fail to program.")
        int attempts() default 8;

        @AttributeDefinition(
                name = "Allocations per VM",
                description = "How many accelerators one VM may hold at once, one per slot the requests name.",
                min = "1")
        int maxAllocationsPerVm() default 4;

        @AttributeDefinition(
                name = "Profile refresh (ms)",
                description = "How often the repository's revision is compared with the index's.")
        long profileRefreshMillis() default 1000;

        @AttributeDefinition(
                name = "Device refresh (s)",
                description = "How often the whole fleet is read again (changes made by other nodes).")
        long deviceRefreshSeconds() default 10;

        @AttributeDefinition(
                name = "Reconcile after (s)",
                description = "An allocation left RESERVED, PROGRAMMING or RELEASING this long was abandoned (a crash)"
                        + " and is reconciled with what its back end reports. Must exceed the longest programming.")
        long reconcileAfterSeconds() default 120;

        @AttributeDefinition(name = "Reconcile interval (s)", description = "How often abandoned steps are looked for.")
        long reconcileEverySeconds() default 30;

        @AttributeDefinition(
                name = "Programming wait (ms)",
                description = "How long a request waits for another node to program its region; after that the"
                        + " answer is 202 with the allocation PROGRAMMING and a Location to poll.")
        long programmingWaitMillis() default 30_000;

        @AttributeDefinition(
                name = "Task runners",
                description = "Programming tasks a host node runs at once (for devices of other nodes' requests).")
        int taskRunners() default 8;

        @AttributeDefinition(
                name = "Task poll (ms)",
                description = "How often a host node looks for tasks when no signal woke it (LISTEN/NOTIFY lost).")
        long taskPollMillis() default 1_000;

        @AttributeDefinition(
                name = "Under-delivery exclusion (min)",
                description =
                        "A personality that under-delivered on a VM (below the agent's threshold × its promise, or"
                                + " a stated requirement) is left out of that VM's re-personalizations for that workload this long. 0: never.")
        long underDeliveryExclusionMinutes() default 60;

        @AttributeDefinition(
                name = "Report retention (days)",
                description = "How long the VMs' reports (the outcome history) are kept.")
        long reportRetentionDays() default 30;

        @AttributeDefinition(
                name = "Learning: samples",
                description = "Reports on a personality, for a workload on a device family (from two VMs or more),"
                        + " from which the matcher"
                        + " ranks it by its learned figures (10th percentile of throughput, 90th of latency and"
                        + " power) instead of its promise.")
        int learningMinSamples() default 20;

        @AttributeDefinition(
                name = "Flag ratio",
                description = "A personality is flagged for administrators when, with enough reports from at least two"
                        + " VMs, its median throughput falls below this ratio × its promise (or latency or power"
                        + " rise above the promise ÷ it).")
        double flagRatio() default 0.7;

        @AttributeDefinition(
                name = "Pre-programming",
                description = "A host node loads its idle regions with the personalities the family's latest"
                        + " allocations say are most likely requested next, so that those requests need no"
                        + " programming; a region that may hold a tenant's data is loaded only for that tenant."
                        + " One region at a time, yielding to requests (backgroundQuietSeconds).")
        boolean preProgramming() default false;
    }

    /** A reservation on its way to programming. */
    private record Reserved(
            Allocation allocation,
            Region region,
            Device device,
            PersonalityProfile profile,
            Optional<DriverPackage> driver,
            Optional<Attachments.Plug> plug) {}

    private final ProfileRepository profiles;
    private final DriverRepository driverRepository;
    private final AllocationRecords allocations;
    private final VmRecords vms;
    private final TenantRecords tenants;
    private final ArtifactRecords artifacts;
    private final TenantSeparation separation;
    private final DeviceRecords devices;
    private final IndexKeeper keeper;
    private final NodeIdentity node;
    private final AllocationWaiter waiter;
    private final Optional<TaskWorker> worker;
    private final AutoCloseable devicesChanged;
    private final java.util.concurrent.atomic.AtomicBoolean deviceRefreshQueued =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final DriverCache drivers;
    private final Learning learning;
    private final Events events = new Events();
    private final Attachments attachments = new Attachments();
    private final EventLog eventLog;
    private final Programmer programmer;
    private final Reconciler reconciler;
    private final Decisions decisions;
    private final DeviceInventory inventory;
    private final int attempts;
    /** The longest programming (reconcileAfterSeconds): the most a request waits for a bring-up programming. */
    private final java.time.Duration longestProgramming;

    private final Optional<PreProgramming> preProgramming;

    private final int maxAllocationsPerVm;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hwp-management");
        t.setDaemon(true);
        return t;
    });

    /**
     * The sample catalogue, done storing its profiles, images and drivers (disabled, it is done at once): matching
     * waits for it, so a new node is ready only with its samples in. Null when constructed outside OSGi.
     */
    @Reference(policy = ReferencePolicy.DYNAMIC, target = "(" + StartupCheck.PROPERTY + "=samples)")
    private volatile StartupCheck samples;

    @Activate
    public Management(
            @Reference PersonalityMatcher matcher,
            @Reference ProfileRepository profiles,
            @Reference DriverRepository driverRepository,
            @Reference AllocationRecords allocations,
            @Reference VmRecords vms,
            @Reference TenantRecords tenants,
            @Reference SharingRecords sharing,
            @Reference ArtifactRecords artifacts,
            @Reference DeviceRecords devices,
            @Reference DeviceInventory inventory,
            @Reference NodeIdentity node,
            @Reference TaskRecords tasks,
            @Reference Signals signals,
            @Reference EventLog eventLog,
            @Reference HwpMetrics metrics,
            @Reference OutcomeRecords outcomes,
            Config config) {
        Settings.check(Config.class, config);
        Settings.atLeast("attempts", config.attempts(), 1);
        Settings.atLeast("maxAllocationsPerVm", config.maxAllocationsPerVm(), 1);
        Settings.atLeast("profileRefreshMillis", config.profileRefreshMillis(), 1);
        Settings.atLeast("deviceRefreshSeconds", config.deviceRefreshSeconds(), 1);
        Settings.atLeast("reconcileAfterSeconds", config.reconcileAfterSeconds(), 1);
        Settings.atLeast("reconcileEverySeconds", config.reconcileEverySeconds(), 1);
        Settings.atLeast("programmingWaitMillis", config.programmingWaitMillis(), 0);
        Settings.atLeast("taskRunners", config.taskRunners(), 1);
        Settings.atLeast("taskPollMillis", config.taskPollMillis(), 1);
        Settings.atLeast("underDeliveryExclusionMinutes", config.underDeliveryExclusionMinutes(), 0);
        Settings.atLeast("reportRetentionDays", config.reportRetentionDays(), 1);
        Settings.atLeast("learningMinSamples", config.learningMinSamples(), 1);
        if (!(config.flagRatio() > 0 && config.flagRatio() <= 1)) {
            throw new IllegalArgumentException("flagRatio must lie in (0, 1] (was " + config.flagRatio() + ")");
        }
        this.eventLog = eventLog;
        this.profiles = profiles;
        this.driverRepository = driverRepository;
        this.allocations = allocations;
        this.vms = vms;
        this.tenants = tenants;
        this.artifacts = artifacts;
        this.separation = new TenantSeparation(sharing, vms, signals);
        this.devices = devices;
        this.node = node;
        this.keeper = new IndexKeeper(matcher.newIndex(), profiles, devices);
        this.drivers = new DriverCache(driverRepository);
        this.learning = new Learning(
                outcomes,
                eventLog,
                keeper.index(),
                new Learning.Policy(
                        java.time.Duration.ofMinutes(config.underDeliveryExclusionMinutes()),
                        java.time.Duration.ofDays(config.reportRetentionDays()),
                        config.learningMinSamples(),
                        config.flagRatio()));
        this.waiter = new AllocationWaiter(allocations, signals);
        this.programmer = new Programmer(
                allocations,
                inventory.programming(),
                events,
                node,
                tasks,
                waiter,
                java.time.Duration.ofMillis(Math.max(0, config.programmingWaitMillis())),
                separation);
        this.reconciler = new Reconciler(
                allocations,
                devices,
                profiles,
                inventory.registry(),
                inventory.programming(),
                events,
                java.time.Duration.ofSeconds(config.reconcileAfterSeconds()),
                inventory::ours,
                tasks,
                this::plugOf,
                metrics);
        this.decisions = new Decisions(metrics);
        this.inventory = inventory;
        this.attempts = Math.max(1, config.attempts());
        this.longestProgramming = java.time.Duration.ofSeconds(config.reconcileAfterSeconds());
        this.preProgramming = config.preProgramming() && node.has(NodeRole.HOST)
                ? Optional.of(new PreProgramming(
                        allocations,
                        devices,
                        profiles,
                        separation,
                        inventory::ours,
                        inventory.idleWork(),
                        (deviceId, regionId, personalityId) ->
                                inventory.reconfigure(deviceId, regionId, personalityId)))
                : Optional.empty();
        this.maxAllocationsPerVm = Math.max(1, config.maxAllocationsPerVm());
        this.worker = node.has(NodeRole.HOST)
                ? Optional.of(new TaskWorker(
                        node,
                        tasks,
                        allocations,
                        id -> keeper.index().device(id).or(() -> devices.device(id)),
                        // the profile as the index holds it (ACTIVE profiles, refreshed every profileRefreshMillis),
                        // else as stored
                        id -> keeper.index().profile(id).or(() -> profiles.find(id)),
                        programmer,
                        reconciler,
                        signals,
                        deviceId -> quietly("device refresh", () -> keeper.refreshDevice(deviceId)),
                        a -> releaseReplaced(a, TaskWorker.ACTOR),
                        this::plugOf,
                        this::releaseTask,
                        config.taskRunners(),
                        config.taskPollMillis()))
                : Optional.empty();
        scheduler.execute(this::start);
        inventory.onChange(this::refreshDevicesSoon);
        this.devicesChanged = signals.subscribe(Signals.DEVICES_CHANGED, from -> {
            if (!from.equals(node.id())) {
                refreshDevicesSoon(); // another node's back ends reported: new cards are matched at once
            }
        });
        scheduler.scheduleWithFixedDelay(
                () -> quietly("profile refresh", keeper::refreshProfiles),
                config.profileRefreshMillis(),
                Math.max(100, config.profileRefreshMillis()),
                TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(separation::reloadQuietly, 5, 5, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(
                learning::reloadQuietly, Learning.RELOAD_SECONDS, Learning.RELOAD_SECONDS, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(
                () -> quietly("device refresh", keeper::refreshDevices),
                config.deviceRefreshSeconds(),
                Math.max(1, config.deviceRefreshSeconds()),
                TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(
                () -> quietly("reconciliation", () -> reconciler.run(false)),
                config.reconcileEverySeconds(),
                Math.max(1, config.reconcileEverySeconds()),
                TimeUnit.SECONDS);
    }

    /** Loads the index, then reconciles what a crash left behind (regions too), then serves. */
    private void start() {
        try {
            long t0 = System.nanoTime();
            keeper.refreshProfiles();
            keeper.refreshDevices();
            learning.reload();
            LOG.info(String.format(
                    "Match index loaded in %d ms: %d profiles, %d devices",
                    (System.nanoTime() - t0) / 1_000_000,
                    keeper.index().profileCount(),
                    keeper.index().deviceCount()));
            reconciler.run(true);
            keeper.refreshDevices();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "The match index could not be loaded; requests wait for the next refresh", e);
        } finally {
            ready.countDown();
        }
    }

    private static void quietly(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, what + " failed; it runs again", e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(EventAdmin admin) {
        events.bind(admin);
    }

    void unbindEventAdmin(EventAdmin admin) {
        events.unbind(admin);
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAttachment(Attachment attachment) {
        attachments.bind(attachment);
    }

    void unbindAttachment(Attachment attachment) {
        attachments.unbind(attachment);
    }

    /** The plug of an allocation's region into its VM's domain, if it is attached (for the reconciler). */
    Optional<Attachments.Plug> plugOf(Allocation a) {
        try {
            return vms.find(a.vmId())
                    .flatMap(vm -> devices.device(a.deviceId())
                            .flatMap(d -> d.region(a.regionId()).flatMap(r -> attachments.plug(vm, d, r, node.id()))));
        } catch (AttachmentException e) {
            return Optional.empty(); // a region without a guest function was never attached
        }
    }

    @Deactivate
    void stop() throws Exception {
        devicesChanged.close();
        scheduler.shutdownNow();
        if (worker.isPresent()) {
            worker.get().close();
        }
        waiter.close();
        preProgramming.ifPresent(PreProgramming::close);
        separation.close();
    }

    /** Reads the fleet again on the management thread; requests that arrive while one is queued share it. */
    private void refreshDevicesSoon() {
        if (deviceRefreshQueued.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                deviceRefreshQueued.set(false);
                quietly("device refresh", keeper::refreshDevices);
            });
        }
    }

    /** Reads the whole fleet into the index now (tests; the index refreshes itself every deviceRefreshSeconds). */
    void refreshFleet() {
        keeper.refreshDevices();
    }

    @Override
    public boolean isReady() {
        StartupCheck s = samples;
        return ready.getCount() == 0 && (s == null || s.pending().isEmpty());
    }

    /** Matching is the {@code api} role's: a host-only node sends requests to an api node. */
    private void requireApiRole() {
        if (!node.has(NodeRole.API)) {
            throw HwpException.conflict("node " + node.id() + " has no api role: send requests to an api node");
        }
    }

    private void awaitReady() {
        try {
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new HwpException(ErrorCode.NO_CAPACITY, "the management service is still loading its index");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HwpException(ErrorCode.NO_CAPACITY, "interrupted while the index loads", e);
        }
    }

    // VMs

    @Override
    public VmRegistration registerVm(String name, OsInfo os, VmLocation where, String tenant, String actor) {
        if (tenant == null) {
            throw new ValidationException("tenant", "is required");
        }
        if (tenants.find(tenant).isEmpty()) {
            throw new ValidationException("tenant", "no tenant " + tenant + " (tenant:add or POST /tenants adds one)");
        }
        requireHostNode(where);
        requireKnownDomain(where);
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "hwp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        VirtualMachine vm = vms.register(
                new VirtualMachine(newId("vm"), name, os, false, Instant.now(), where, tenant),
                tokenHash(token),
                actor);
        events.post(HwpEvent.topic("vm", "REGISTERED"), Map.of("vmId", vm.id(), "name", vm.name(), "actor", actor));
        return new VmRegistration(vm, token);
    }

    @Override
    public VirtualMachine moveVm(String vmId, VmLocation where, String actor) {
        requireHostNode(where);
        requireKnownDomain(where);
        VirtualMachine vm = vms.move(vmId, where, actor);
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("vmId", vmId);
        where.host().ifPresent(h -> details.put("host", h));
        where.domain().ifPresent(d -> details.put("domain", d));
        details.put("actor", actor);
        events.post(HwpEvent.topic("vm", "MOVED"), details);
        return vm;
    }

    /** A domain this node's hypervisor can tell about must exist there (a VM on another node is not checked here). */
    private void requireKnownDomain(VmLocation where) {
        if (!attachments.knowsDomain(where, node.id())) {
            throw new ValidationException(
                    "domain",
                    attachments.hypervisor() + " on node " + node.id() + " knows no domain "
                            + where.domain().orElse(""));
        }
    }

    /** A VM's host is a node of the installation that runs back ends (a lease that ran out does not matter). */
    private void requireHostNode(VmLocation where) {
        if (where.host().isEmpty()) {
            return;
        }
        String host = where.host().get();
        Optional<Node> known =
                node.nodes().stream().filter(n -> n.id().equals(host)).findFirst();
        if (known.isEmpty()) {
            throw new ValidationException("host", "is not a node of this installation: " + host + " (see node:list)");
        }
        if (!known.get().has(NodeRole.HOST)) {
            throw new ValidationException(
                    "host", "node " + host + " has no host role: it runs no back ends, so no VM reaches its cards");
        }
    }

    @Override
    public List<VirtualMachine> vms() {
        return vms.list();
    }

    @Override
    public Sharing profileSharing(String personalityId) {
        requireApiRole();
        PersonalityProfile p =
                profiles.find(personalityId).orElseThrow(() -> HwpException.notFound("profile", personalityId));
        return separation.profileSharing(p);
    }

    @Override
    public Sharing shareProfile(String personalityId, Sharing sharing, String actor) {
        requireApiRole();
        profiles.find(personalityId).orElseThrow(() -> HwpException.notFound("profile", personalityId));
        requireTenants(sharing);
        separation.set(SharingRecords.Subject.PROFILE, personalityId, sharing, actor);
        return sharing;
    }

    @Override
    public Sharing imageSharing(Sha256 image) {
        requireApiRole();
        artifacts.bitstream(image).orElseThrow(() -> HwpException.notFound("bitstream", image.hex()));
        return separation.imageSharing(image.hex());
    }

    @Override
    public Sharing shareImage(Sha256 image, Sharing sharing, String actor) {
        requireApiRole();
        artifacts.bitstream(image).orElseThrow(() -> HwpException.notFound("bitstream", image.hex()));
        if (sharing.shareable()) {
            throw new ValidationException(
                    "shareable", "applies to profiles (a personality that keeps no tenant data), not to images");
        }
        requireTenants(sharing);
        separation.set(SharingRecords.Subject.IMAGE, image.hex(), sharing, actor);
        return sharing;
    }

    private void requireTenants(Sharing sharing) {
        for (String t : sharing.tenants()) {
            if (tenants.find(t).isEmpty()) {
                throw new ValidationException("tenants", "no tenant " + t + " (tenant:add or POST /tenants adds one)");
            }
        }
    }

    @Override
    public List<Tenant> tenants() {
        return tenants.list();
    }

    @Override
    public Tenant addTenant(String id, String description, String actor) {
        Tenant tenant = tenants.add(new Tenant(id, description == null ? "" : description, Instant.now()), actor);
        events.post(HwpEvent.topic("tenant", "ADDED"), Map.of("tenant", tenant.id(), "actor", actor));
        return tenant;
    }

    @Override
    public Tenant setTenantQuota(String id, Optional<Integer> maxAllocations, String actor) {
        Tenant tenant = tenants.setQuota(id, maxAllocations, actor);
        events.post(
                HwpEvent.topic("tenant", "QUOTA"),
                Map.of(
                        "tenant",
                        id,
                        "maxAllocations",
                        maxAllocations.map(String::valueOf).orElse("none"),
                        "actor",
                        actor));
        return tenant;
    }

    @Override
    public Optional<VirtualMachine> vm(String vmId) {
        return vms.find(vmId);
    }

    @Override
    public VirtualMachine revokeToken(String vmId, String actor) {
        VirtualMachine vm = vms.revokeToken(vmId, actor);
        // After the commit: a check that read the database before it may still store what it found, but under the
        // old generation, which no look-up accepts any more.
        revocations.incrementAndGet();
        tokens.clear();
        events.post(HwpEvent.topic("vm", "TOKEN_REVOKED"), Map.of("vmId", vmId, "actor", actor));
        return vm;
    }

    @Override
    public Optional<VirtualMachine> authenticate(String token) {
        if (token == null || token.length() < 32 || token.length() > 256) {
            return Optional.empty();
        }
        Sha256 hash = tokenHash(token);
        long now = System.nanoTime();
        // Read before the database: a revocation that commits after this read makes what is stored below stale.
        long generation = revocations.get();
        KnownToken known = tokens.get(hash);
        if (known != null && known.generation() == generation && now - known.checkedAt() < TOKEN_TTL_NANOS) {
            return Optional.of(known.vm());
        }
        Optional<VirtualMachine> vm = vms.findByToken(hash);
        if (vm.isPresent()) {
            if (tokens.size() >= MAX_KNOWN_TOKENS) {
                tokens.clear();
            }
            tokens.put(hash, new KnownToken(vm.get(), now, generation));
        } else {
            tokens.remove(hash);
        }
        return vm;
    }

    /**
     * A token found valid, for {@link #TOKEN_TTL_NANOS}: every API call of a VM authenticates, and a database read
     * each time would cost more than the call. A revocation on this node takes effect for every call that starts
     * after it returned: it moves {@link #revocations} on, and a token known under an older generation is read from
     * the database again (which has no shared cache: see persistence.xml). On another node it takes effect within the
     * TTL, the time that node may still trust what it read before.
     */
    private record KnownToken(VirtualMachine vm, long checkedAt, long generation) {}

    /** Revocations made on this node so far: the generation of the tokens known. */
    private final java.util.concurrent.atomic.AtomicLong revocations = new java.util.concurrent.atomic.AtomicLong();

    static final long TOKEN_TTL_NANOS = 5_000_000_000L;
    private static final int MAX_KNOWN_TOKENS = 100_000;
    private final Map<Sha256, KnownToken> tokens = new java.util.concurrent.ConcurrentHashMap<>();

    static Sha256 tokenHash(String token) {
        return Sha256.of(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A new ID: the prefix, the time in milliseconds (12 hex digits) and 64 random bits (16). IDs made in different
     * milliseconds sort by creation, so the indexes on them (an allocation's key, its audit rows' subject) grow at
     * their right end: an insert changes the few pages there, not one of thousands at random — which the database's
     * page cache and checkpoints, and the garbage collector scanning that cache, would otherwise pay for.
     */
    static String newId(String prefix) {
        byte[] raw = new byte[8];
        RANDOM.nextBytes(raw);
        HexFormat hex = HexFormat.of();
        return prefix + "-" + hex.toHexDigits(System.currentTimeMillis()).substring(4) + hex.formatHex(raw);
    }

    // Requests

    @Override
    public AllocationResult request(PersonalityRequest request, String actor) {
        requireApiRole();
        awaitReady();
        // Read for its host; "one allocation per VM" is checked in the reservation's own transaction.
        VirtualMachine vm = vms.find(request.vmId()).orElseThrow(() -> HwpException.notFound("VM", request.vmId()));
        MatchOptions options = optionsFor(vm);
        return Decisions.forVm(request.vmId(), () -> {
            try {
                AllocationResult result = allocate(request, vm, options, Optional.empty(), false, actor);
                decisions.decided("REQUEST", result);
                return result;
            } catch (HwpException e) {
                decisions.refused("REQUEST", request.vmId(), e);
                throw e;
            }
        });
    }

    /**
     * Whether the VM's allocations leave no room for {@code request}: one holds the request's slot, or the VM holds
     * as many as it may (but {@code except}, the one a re-personalization replaces).
     */
    private boolean noRoomFor(PersonalityRequest request, Optional<Allocation> except) {
        List<Allocation> held = allocations.ofVm(request.vmId()).stream()
                .filter(a -> a.state().holdsRegion())
                .filter(a -> except.map(e -> !e.id().equals(a.id())).orElse(true))
                .toList();
        return held.size() >= maxAllocationsPerVm
                || held.stream().anyMatch(a -> a.request().slot().equals(request.slot()));
    }

    /**
     * Matches, reserves and programs; {@code previous} is the allocation a re-personalization replaces, and {@code
     * inPlace} allows its region to be taken over.
     */
    private AllocationResult allocate(
            PersonalityRequest request,
            VirtualMachine vm,
            MatchOptions options,
            Optional<Allocation> previous,
            boolean inPlace,
            String actor) {
        List<String> failures = new ArrayList<>();
        boolean refreshed = false;
        boolean yielded = false;
        for (int attempt = 0; attempt < attempts; attempt++) {
            MatchResult match = keeper.index().match(request, options);
            if (match.candidates().isEmpty()) {
                if (!refreshed) {
                    // A refusal is checked against the database once: a profile or driver may have just arrived.
                    refreshed = true;
                    drivers.refresh();
                    options = options.withDrivers(drivers.current());
                    keeper.refreshProfiles();
                    attempt--;
                    continue;
                }
                HwpException refused = refusal(match, failures, options.host());
                if (refused.code() == ErrorCode.NO_CAPACITY
                        && !yielded
                        && inventory.yieldToRequest(longestProgramming)) {
                    // A background programming (bring-up, pre-programming) held a region: it is free now.
                    yielded = true;
                    keeper.refreshDevices();
                    attempt--;
                    continue;
                }
                throw refused;
            }
            MatchCandidate candidate = match.candidates().get(0);
            RegionRef ref = new RegionRef(candidate.deviceId(), candidate.regionId());
            boolean own = inPlace && previous.get().regionKey().equals(ref.toString());
            if (!own && !keeper.index().claim(ref)) {
                continue; // another request on this node took it a moment ago
            }
            Optional<Reserved> reserved;
            try {
                reserved = reserve(request, vm, candidate, previous, own, actor);
            } catch (AttachmentException e) {
                failures.add(ref + ": " + e.getMessage()); // a region that cannot be attached: the next one
                options = options.excludingRegion(ref);
                continue;
            } finally {
                if (!own) {
                    keeper.index().release(ref);
                }
            }
            if (reserved.isEmpty()) {
                continue;
            }
            Reserved r = reserved.get();
            if (r.allocation().state() == AllocationState.ACTIVE) {
                // The region held the image: reserved straight to ACTIVE, nothing to program.
                return new AllocationResult(
                        r.allocation(),
                        r.device().vendor(),
                        r.profile().origin() == Origin.DERIVED,
                        r.driver(),
                        Reconfiguration.NOT_NEEDED,
                        candidate,
                        true);
            }
            try {
                Allocation done;
                Reconfiguration reconfiguration;
                if (r.allocation().state() == AllocationState.ATTACHING) {
                    // The region held the image: only the plug into the VM's domain is left.
                    done = programmer.attach(
                            r.allocation(), r.region(), r.plug().orElseThrow(), actor);
                    reconfiguration = Reconfiguration.NOT_NEEDED;
                } else {
                    AllocationState programmed =
                            r.plug().isPresent() ? AllocationState.ATTACHING : AllocationState.ACTIVE;
                    Programmer.Programmed p = programmer.activate(
                            r.allocation(),
                            r.region(),
                            r.device(),
                            r.profile(),
                            vm.tenant(),
                            programmed,
                            attachesOnItsNode(vm, r.device()),
                            actor);
                    keeper.index().putRegion(r.device().id(), p.region());
                    done = p.allocation();
                    reconfiguration = p.reconfiguration();
                    if (done.state() == AllocationState.ATTACHING) {
                        done = programmer.attach(done, p.region(), r.plug().orElseThrow(), actor);
                    }
                }
                return new AllocationResult(
                        done,
                        r.device().vendor(),
                        r.profile().origin() == Origin.DERIVED,
                        r.driver(),
                        reconfiguration,
                        candidate,
                        true);
            } catch (RuntimeException e) {
                // The allocation FAILED, its region as it was (FREE with its image after a failed attach): nothing is
                // left attached.
                keeper.refreshDevice(r.device().id());
                boolean attaching = e instanceof AttachmentException;
                if (e instanceof AttachmentException a
                        && (a.kind() == AttachmentException.Kind.UNKNOWN_DOMAIN
                                || a.kind() == AttachmentException.Kind.NOT_RUNNING)) {
                    throw e; // the VM's domain, not the region: another region would fare no better
                }
                LOG.log(
                        Level.WARNING,
                        (attaching ? "Attaching " : "Programming ") + ref + " for " + request.vmId()
                                + " failed; trying another region",
                        e);
                failures.add(ref + ": " + e.getMessage());
                options = options.excludingRegion(ref);
            }
        }
        throw new HwpException(
                ErrorCode.NO_CAPACITY,
                "no region could be reserved and programmed in " + attempts + " attempts"
                        + (failures.isEmpty() ? " (regions were taken meanwhile)" : ": " + failures));
    }

    /**
     * How a VM's requests are matched: on its host's devices when it has one, with what its tenant may load, asking
     * for the best candidate only (its region is reserved; when another request took it meanwhile, the next match
     * sees that).
     */
    private MatchOptions optionsFor(VirtualMachine vm) {
        return MatchOptions.of(drivers.current())
                .onHost(vm.location().host())
                .permitting(separation.filterFor(vm.tenant()))
                .candidates(1);
    }

    private static HwpException refusal(MatchResult match, List<String> failures, Optional<String> host) {
        List<String> reasons = new ArrayList<>(failures);
        reasons.addAll(match.refusals());
        ErrorCode code = match.outcome() == MatchOutcome.NO_CAPACITY || !failures.isEmpty()
                ? ErrorCode.NO_CAPACITY
                : ErrorCode.NO_MATCHING_PROFILE;
        String what = code == ErrorCode.NO_CAPACITY
                ? "profiles fit, but no compatible region is free"
                        + host.map(h -> " on host " + h).orElse("")
                : "no profile, even adjusted, meets the request";
        return new HwpException(code, what + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons)));
    }

    /**
     * Reserves the candidate's region in the database; empty when the index was stale (the region or the profile
     * changed meanwhile), after correcting the index.
     */
    private Optional<Reserved> reserve(
            PersonalityRequest request,
            VirtualMachine vm,
            MatchCandidate candidate,
            Optional<Allocation> previous,
            boolean own,
            String actor) {
        PersonalityProfile profile;
        if (candidate.exact()) {
            // The index holds ACTIVE profiles as of its last refresh (at most profileRefreshMillis old).
            Optional<PersonalityProfile> stored = keeper.index()
                    .profile(candidate.personalityId())
                    .or(() -> profiles.find(candidate.personalityId()));
            if (stored.isEmpty() || stored.get().status() != ProfileStatus.ACTIVE) {
                stored.ifPresent(keeper::add);
                return Optional.empty();
            }
            profile = stored.get();
        } else {
            profile = derive(candidate, request);
        }
        // The device as the index has it: the reservation's compare and set finds out if that is stale.
        Device device = keeper.index()
                .device(candidate.deviceId())
                .or(() -> devices.device(candidate.deviceId()))
                .orElseThrow(() -> HwpException.notFound("device", candidate.deviceId()));
        Region region = device.region(candidate.regionId())
                .orElseThrow(() -> HwpException.notFound("region", candidate.deviceId() + "/" + candidate.regionId()));
        boolean expected = own
                ? region.state() == RegionState.ACTIVE
                : region.state() == RegionState.FREE && device.acceptsAllocations();
        if (!expected) {
            keeper.refreshDevice(device.id());
            return Optional.empty();
        }
        Optional<DriverPackage> driver = drivers.resolve(profile, request.os());
        if (driver.isEmpty()) {
            return Optional.empty(); // the package went away; the refreshed cache leaves the profile out
        }
        Optional<Attachments.Plug> plug = attachments.plug(vm, device, region, node.id());
        Instant now = Instant.now();
        // A VM with a domain on another node's device: that node programs and attaches, by a task, even a region
        // that holds the image.
        boolean loaded = profile.lineage().isEmpty()
                && region.loadedImage().equals(Optional.of(profile.fabric().bitstream()))
                && !separation.needsClear(region, vm.tenant())
                && !attachesOnItsNode(vm, device);
        Allocation allocation = new Allocation(
                newId("alloc"),
                request.vmId(),
                request,
                profile.personalityId(),
                device.id(),
                region.id(),
                loaded
                        ? plug.isPresent() ? AllocationState.ATTACHING : AllocationState.ACTIVE
                        : AllocationState.RESERVED,
                driver.map(DriverPackage::id),
                previous.map(Allocation::id),
                now,
                now);
        try {
            allocations.reserve(
                    allocation,
                    region,
                    separation.recordedTenant(profile, vm.tenant()),
                    own ? previous : Optional.empty(),
                    maxAllocationsPerVm,
                    Decisions.explanation(candidate, loaded),
                    actor);
        } catch (HwpException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            if (noRoomFor(request, previous)) {
                throw e; // the slot is taken (or the VM is at its limit), maybe by its own concurrent request: final
            }
            keeper.refreshDevice(device.id());
            return Optional.empty();
        }
        if (own) {
            events.allocation(previous.get().moveTo(AllocationState.RELEASED, now), actor);
        }
        events.allocation(allocation, actor);
        // As written, into the index before the claim ends (this region only: the device's others may be changing).
        Region reservedRegion = loaded
                ? Programmer.with(
                                region, RegionState.ACTIVE, Optional.of(profile.personalityId()), region.loadedImage())
                        .withTenant(
                                separation.recordedTenant(profile, vm.tenant()).or(region::tenant))
                : Programmer.with(region, RegionState.RESERVED, region.loadedPersonalityId(), region.loadedImage());
        keeper.index().putRegion(device.id(), reservedRegion);
        return Optional.of(new Reserved(allocation, reservedRegion, device, profile, driver, plug));
    }

    /**
     * The DERIVED profile of an adjusted candidate: the parent with the tunable values applied (clocks named by
     * the tunable, resources scaled), serving the request's workload with the figures the variant delivers. Its ID
     * is a digest of parent and values, so the same variant is stored once and matched exactly next time.
     */
    private PersonalityProfile derive(MatchCandidate candidate, PersonalityRequest request) {
        Lineage lineage = candidate.adjustment().orElseThrow();
        PersonalityProfile parent = profiles.find(lineage.parentId())
                .orElseThrow(() -> HwpException.notFound("profile", lineage.parentId()));
        Map<String, Double> values = new TreeMap<>(lineage.adjustments());
        String digest = HexFormat.of()
                .formatHex(sha256((parent.personalityId() + values).getBytes(StandardCharsets.UTF_8)))
                .substring(0, 10);
        String base = parent.name().length() > 100 ? parent.name().substring(0, 100) : parent.name();
        String name = base + DriverCache.DERIVED_MARK + digest;
        String id = name + "-v1";
        Optional<PersonalityProfile> existing = profiles.find(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        double resourceFactor = 1;
        for (Tunable t : parent.tunables()) {
            Double v = values.get(t.name());
            if (v != null) {
                resourceFactor *= t.effect().resourceFactor(v / t.nominal());
            }
        }
        Map<String, Double> mhz = new TreeMap<>();
        values.forEach((tunable, v) -> parent.fabric().clockSetBy(tunable).ifPresent(c -> mhz.put(c.name(), v)));
        List<ClockSetting> clocks = parent.fabric().clocks().stream()
                .map(c -> mhz.containsKey(c.name()) ? new ClockSetting(c.name(), mhz.get(c.name())) : c)
                .toList();
        PerformanceFigures figures = candidate.expected();
        PersonalityProfile derived = new PersonalityProfile(
                id,
                name,
                1,
                "Derived from " + parent.personalityId() + ": " + lineage.reason(),
                parent.compatibility(),
                List.of(new WorkloadProfile(request.workload(), figures)),
                parent.osSupport(),
                new FabricConfiguration(
                        parent.fabric().bitstream(),
                        parent.fabric().regionKind(),
                        parent.fabric().resources().scaled(resourceFactor),
                        clocks),
                parent.memoryMap(),
                parent.peripherals(),
                List.of(),
                Origin.DERIVED,
                Optional.of(lineage),
                ProfileStatus.ACTIVE,
                Instant.now());
        try {
            profiles.store(derived);
        } catch (HwpException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            derived = profiles.find(id).orElseThrow(() -> e); // stored by a concurrent request
        }
        keeper.add(derived);
        return derived;
    }

    // Release and re-personalization

    @Override
    public Allocation release(String allocationId, String actor) {
        return release(
                allocations.find(allocationId).orElseThrow(() -> HwpException.notFound("allocation", allocationId)),
                actor);
    }

    @Override
    public Allocation release(Allocation a, String actor) {
        if (a.state() != AllocationState.ACTIVE) {
            throw HwpException.conflict(
                    "allocation " + a.id() + " is " + a.state() + "; only an ACTIVE allocation is released");
        }
        // The region as the index has it, if that shows this allocation's personality ACTIVE there; else as stored.
        Optional<Region> known = keeper.index()
                .device(a.deviceId())
                .flatMap(d -> d.region(a.regionId()))
                .filter(r -> r.state() == RegionState.ACTIVE
                        && r.loadedPersonalityId().equals(Optional.of(a.personalityId())));
        Optional<Device> device = keeper.index().device(a.deviceId()).or(() -> devices.device(a.deviceId()));
        if (device.isPresent()
                && !programmer.programsHere(device.get())
                && vms.find(a.vmId())
                        .map(vm -> attachesOnItsNode(vm, device.get()))
                        .orElse(false)) {
            // The function is in a VM on the device's node: that node unplugs it and frees the region, by a task.
            Region region = known.orElseGet(() -> keeper.refreshDevice(a.deviceId())
                    .region(a.regionId())
                    .orElseThrow(() -> HwpException.notFound("region", a.regionKey())));
            Allocation after = programmer.releaseOnItsNode(a, region, device.get(), actor);
            keeper.refreshDevice(a.deviceId());
            return after;
        }
        Allocation current = a;
        for (int attempt = 0; ; attempt++) {
            Region region = known.orElseGet(() -> keeper.refreshDevice(a.deviceId())
                    .region(a.regionId())
                    .orElseThrow(() -> HwpException.notFound("region", a.regionKey())));
            try {
                if (current.state() == AllocationState.ACTIVE) {
                    current = detach(current, region, actor);
                }
                Programmer.Released released = programmer.release(current, region, actor);
                keeper.index().putRegion(a.deviceId(), released.region());
                preProgramming.ifPresent(PreProgramming::wake); // an idle region: perhaps load what comes next
                return released.allocation();
            } catch (AttachmentException e) {
                throw e; // the detach failed: the allocation stays RELEASING, the reconciler tries again
            } catch (HwpException e) {
                if (e.code() != ErrorCode.CONFLICT || known.isEmpty() || attempt > 0) {
                    throw e;
                }
                known = Optional.empty(); // the index was stale: once more with the region as stored
            }
        }
    }

    /**
     * Unplugs an attached allocation's guest function from its VM before the region is freed: RELEASING is written
     * first, then the detach, whose outcome is an event (the VM's domain may be gone: the release completes). A detach
     * that fails leaves the allocation RELEASING; the reconciler tries again. Not attached: {@code active} as it is.
     */
    private Allocation detach(Allocation active, Region region, String actor) {
        Optional<Device> device = keeper.index().device(active.deviceId()).or(() -> devices.device(active.deviceId()));
        if (device.isEmpty() || !attachments.mayAttach(device.get(), node.id())) {
            // Nothing can be attached, whatever the VM: its row is not read (every release would, under load).
            return active;
        }
        Optional<VirtualMachine> vm = vms.find(active.vmId());
        Optional<Attachments.Plug> plug;
        try {
            plug = vm.isEmpty() ? Optional.empty() : attachments.plug(vm.get(), device.get(), region, node.id());
        } catch (AttachmentException e) {
            plug = Optional.empty(); // no guest function: it was never attached
        }
        if (plug.isEmpty()) {
            return active;
        }
        Allocation releasing = programmer.releasing(active, actor);
        recordDetach(releasing, plug.get(), plug.get().detach(), actor);
        return releasing;
    }

    /** Whether a VM's allocation of {@code device} is attached by the device's node, not this one. */
    private boolean attachesOnItsNode(VirtualMachine vm, Device device) {
        return vm.location().domain().isPresent() && !programmer.programsHere(device);
    }

    /**
     * A release task of this node (the allocation RELEASING, dispatched by the node that was asked): the function
     * unplugged from its VM if it is in one, then the region freed with the task's outcome, in one transaction. A
     * failed detach fails the task and leaves the allocation RELEASING, for the reconciler to try again.
     */
    private Allocation releaseTask(TaskRecords.Claimed claimed) {
        Allocation releasing = claimed.allocation();
        Region region = claimed.region();
        String outcome = "released " + releasing.regionKey() + " on node " + node.id();
        Optional<Attachments.Plug> plug = plugOf(releasing);
        if (plug.isPresent()) {
            Attachment.Detached detached = plug.get().detach();
            recordDetach(releasing, plug.get(), detached, TaskWorker.ACTOR);
            outcome += ", detached " + plug.get() + ": " + detached;
        }
        Region free = Programmer.with(region, RegionState.FREE, region.loadedPersonalityId(), region.loadedImage());
        Allocation released = allocations.finishTask(
                claimed.task().id(),
                releasing,
                releasing.moveTo(AllocationState.RELEASED, Instant.now()),
                new AllocationRecords.RegionChange(region, free),
                true,
                outcome,
                Optional.empty(),
                TaskWorker.ACTOR);
        events.allocation(released, TaskWorker.ACTOR);
        keeper.index().putRegion(releasing.deviceId(), free);
        return released;
    }

    private void recordDetach(Allocation a, Attachments.Plug plug, Attachment.Detached outcome, String actor) {
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("vmId", a.vmId());
        details.put("region", a.regionKey());
        details.put("function", plug.function().toString());
        details.put("domain", plug.domain());
        details.put("outcome", outcome.name());
        if (outcome == Attachment.Detached.DOMAIN_GONE) {
            details.put("note", "the VM's domain is gone: the region is freed all the same");
        }
        eventLog.append(HwpEvent.topic("allocation", "DETACHED"), a.id(), actor, details);
        LOG.info("Detached " + plug + " for allocation " + a.id() + ": " + outcome);
    }

    /**
     * Make-before-break, second half: the allocation a re-personalization replaced is released once its successor
     * is ACTIVE (here, or by the task worker of the node that programmed it; whoever is second finds it released).
     */
    void releaseReplaced(Allocation successor, String actor) {
        Optional<Allocation> replaced = successor
                .previousAllocationId()
                .flatMap(allocations::find)
                .filter(p -> p.state() == AllocationState.ACTIVE && p.vmId().equals(successor.vmId()));
        if (replaced.isPresent()) {
            try {
                release(replaced.get(), actor);
            } catch (HwpException e) {
                if (e.code() != ErrorCode.CONFLICT) {
                    throw e;
                }
            }
        }
    }

    @Override
    public AllocationResult repersonalize(RepersonalizationRequest rr, String actor) {
        return Decisions.forVm(rr.vmId(), () -> {
            try {
                AllocationResult result = repersonalizeOnce(rr, actor);
                decisions.decided("REPERSONALIZE", result);
                return result;
            } catch (HwpException e) {
                decisions.refused("REPERSONALIZE", rr.vmId(), e);
                throw e;
            }
        });
    }

    private AllocationResult repersonalizeOnce(RepersonalizationRequest rr, String actor) {
        requireApiRole();
        awaitReady();
        VirtualMachine vm = vms.find(rr.vmId()).orElseThrow(() -> HwpException.notFound("VM", rr.vmId()));
        Allocation current = activeOf(rr);
        PersonalityRequest before = current.request();
        PersonalityRequest next = new PersonalityRequest(
                rr.vmId(),
                before.os(),
                rr.workload().orElse(before.workload()),
                rr.requirements().orElse(before.requirements()),
                before.slot());
        boolean sameWorkload = next.workload().equals(before.workload());
        PersonalityProfile currentProfile = profiles.find(current.personalityId())
                .orElseThrow(() -> HwpException.notFound("profile", current.personalityId()));
        List<String> shortfalls = shortfalls(rr.metrics(), next.requirements());
        PerformanceFigures promised = promise(currentProfile, before.workload());
        Optional<String> underDelivery = rr.threshold()
                .flatMap(t -> Shortfall.of(
                        "measured",
                        rr.metrics().throughputGops(),
                        rr.metrics().latencyUs(),
                        rr.metrics().powerWatts(),
                        promised,
                        t));
        record(current, rr.metrics(), underDelivery.isPresent() || !shortfalls.isEmpty(), promised, actor);
        boolean stillServes = sameWorkload
                && currentProfile
                        .workload(next.workload())
                        .map(w -> next.requirements()
                                .isMetBy(
                                        w.performance(),
                                        currentProfile.fabric().resources().memoryMb()))
                        .orElse(false);
        // Which comparison decided, for the answer.
        String decided;
        if (!sameWorkload) {
            decided = "the workload changed from " + before.workload() + " to " + next.workload();
        } else if (!shortfalls.isEmpty()) {
            decided = String.join("; ", shortfalls);
        } else if (underDelivery.isPresent()) {
            decided = "under-delivers: " + underDelivery.get();
        } else if (!stillServes) {
            decided = "the current personality's promise does not meet the requirements as stated now";
        } else {
            decided = "the measured figures meet the requirements"
                    + rr.threshold()
                            .map(t -> "; "
                                    + Shortfall.met(
                                            "measured",
                                            rr.metrics().throughputGops(),
                                            rr.metrics().latencyUs(),
                                            rr.metrics().powerWatts(),
                                            promised,
                                            t))
                            .orElse("");
        }
        if (stillServes && shortfalls.isEmpty() && underDelivery.isEmpty()) {
            return unchanged(current, currentProfile, decided);
        }
        MatchOptions options = optionsFor(vm)
                .excludingProfiles(learning.excludedFor(vm.id(), next.workload())); // under-delivered here lately
        if (sameWorkload && (!shortfalls.isEmpty() || underDelivery.isPresent())) {
            options = options.excludingProfile(current.personalityId()); // it under-delivers on this VM
        }
        RegionRef held = new RegionRef(current.deviceId(), current.regionId());
        if (stillServes && underDelivery.isEmpty()) {
            MatchResult best = keeper.index().match(next, options.holding(held));
            if (!best.candidates().isEmpty()
                    && best.candidates().get(0).personalityId().equals(current.personalityId())) {
                return unchanged(
                        current, currentProfile, decided + "; the current personality is still the best match");
            }
        }
        try {
            AllocationResult moved = allocate(next, vm, options, Optional.of(current), false, actor);
            if (moved.allocation().state() == AllocationState.ACTIVE) {
                releaseReplaced(moved.allocation(), actor);
            } // else another node still programs it: its task worker releases the old one once the new one is ACTIVE
            return because(moved, decided);
        } catch (HwpException e) {
            if (e.code() != ErrorCode.NO_CAPACITY && e.code() != ErrorCode.NO_MATCHING_PROFILE) {
                throw e;
            }
            if (e.code() == ErrorCode.NO_CAPACITY) {
                try {
                    return because(
                            allocate(next, vm, options.holding(held), Optional.of(current), true, actor), decided);
                } catch (HwpException inPlace) {
                    if (!sameWorkload
                            || (inPlace.code() != ErrorCode.NO_CAPACITY
                                    && inPlace.code() != ErrorCode.NO_MATCHING_PROFILE)) {
                        throw inPlace;
                    }
                    return keptOrGone(current, currentProfile, inPlace);
                }
            }
            if (!sameWorkload) {
                throw e;
            }
            return keptOrGone(current, currentProfile, e);
        }
    }

    @Override
    public Eviction evict(String deviceId, java.time.Duration deadline, String actor) {
        requireApiRole();
        awaitReady();
        if (deadline.isNegative() || deadline.isZero()) {
            throw new ValidationException("deadlineSeconds", "must be at least 1");
        }
        inventory.drain(deviceId);
        keeper.refreshDevice(deviceId);
        long until = System.nanoTime() + deadline.toNanos();
        Map<String, String> moved = new LinkedHashMap<>();
        Map<String, String> stayed = new LinkedHashMap<>();
        for (Allocation a : allocations.activeOn(deviceId)) {
            if (System.nanoTime() > until) {
                stayed.put(a.id(), "the deadline of " + deadline.toSeconds() + " s passed before it was moved");
                continue;
            }
            try {
                AllocationResult result = Decisions.forVm(a.vmId(), () -> {
                    VirtualMachine vm = vms.find(a.vmId()).orElseThrow(() -> HwpException.notFound("VM", a.vmId()));
                    MatchOptions options = optionsFor(vm);
                    AllocationResult r = allocate(a.request(), vm, options, Optional.of(a), false, actor);
                    if (r.allocation().state() == AllocationState.ACTIVE) {
                        releaseReplaced(r.allocation(), actor);
                    } // else another node still programs it: its task worker releases the old one once ACTIVE
                    return r;
                });
                decisions.decided("EVICT", result);
                moved.put(a.id(), result.allocation().id());
            } catch (HwpException e) {
                decisions.refused("EVICT", a.vmId(), e);
                stayed.put(a.id(), e.getMessage());
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("moved", String.valueOf(moved.size()));
        details.put("stayed", String.valueOf(stayed.size()));
        details.put("deadlineSeconds", String.valueOf(deadline.toSeconds()));
        eventLog.append(HwpEvent.topic("device", "EVICTED"), deviceId, actor, details);
        return new Eviction(deviceId, moved, stayed);
    }

    /**
     * The ACTIVE allocation a re-personalization acts on: the one of its slot; without a slot, the VM's only one, or
     * that of the default slot.
     */
    private Allocation activeOf(RepersonalizationRequest rr) {
        List<Allocation> active = allocations.ofVm(rr.vmId()).stream()
                .filter(a -> a.state() == AllocationState.ACTIVE)
                .toList();
        if (rr.slot().isPresent()) {
            String slot = rr.slot().get();
            return active.stream()
                    .filter(a -> a.request().slot().equals(slot))
                    .findFirst()
                    .orElseThrow(() -> HwpException.conflict("VM " + rr.vmId() + " holds no ACTIVE allocation in slot "
                            + slot + ": send a Personality Request"));
        }
        if (active.size() == 1) {
            return active.get(0);
        }
        return active.stream()
                .filter(a -> a.request().slot().equals(PersonalityRequest.DEFAULT_SLOT))
                .findFirst()
                .orElseThrow(() -> HwpException.conflict(
                        active.isEmpty()
                                ? "VM " + rr.vmId() + " holds no ACTIVE allocation: send a Personality Request"
                                : "VM " + rr.vmId() + " holds " + active.size() + " allocations: name the slot to"
                                        + " re-personalize ("
                                        + active.stream()
                                                .map(a -> a.request().slot())
                                                .sorted()
                                                .collect(java.util.stream.Collectors.joining(", "))
                                        + ")"));
    }

    /** After a failed in-place attempt the current allocation may be gone (released for its successor). */
    private AllocationResult keptOrGone(Allocation current, PersonalityProfile profile, HwpException why) {
        Allocation now = allocations.find(current.id()).orElseThrow();
        if (now.state() != AllocationState.ACTIVE) {
            throw why;
        }
        return unchanged(now, profile, "no better personality is available now: " + why.getMessage());
    }

    /** What a profile promised for a workload (its first workload's figures if it no longer serves it). */
    private static PerformanceFigures promise(PersonalityProfile profile, String workload) {
        return profile.workload(workload)
                .map(WorkloadProfile::performance)
                .orElse(profile.workloads().get(0).performance());
    }

    /** Stores a VM's report on its allocation's personality (the outcome history). */
    private org.hwpersonality.api.outcome.Outcome record(
            Allocation a, Metrics m, boolean underDelivered, PerformanceFigures promised, String actor) {
        String family = devices.device(a.deviceId()).map(Device::family).orElse("unknown");
        org.hwpersonality.api.outcome.Outcome o = org.hwpersonality.api.outcome.Outcome.of(
                a.vmId(),
                a.id(),
                a.personalityId(),
                a.deviceId(),
                family,
                a.request().workload(),
                m,
                underDelivered);
        learning.record(o, promised, actor);
        return o;
    }

    /** The answer with the comparison that decided it as its first reason. */
    private static AllocationResult because(AllocationResult r, String decided) {
        MatchCandidate m = r.match();
        List<String> reasons = new ArrayList<>(m.reasons().size() + 1);
        reasons.add(decided);
        reasons.addAll(m.reasons());
        return new AllocationResult(
                r.allocation(),
                r.vendor(),
                r.derived(),
                r.driver(),
                r.reconfiguration(),
                new MatchCandidate(
                        m.personalityId(),
                        m.deviceId(),
                        m.regionId(),
                        m.expected(),
                        m.score(),
                        m.reusesLoadedImage(),
                        m.adjustment(),
                        reasons),
                r.changed());
    }

    @Override
    public org.hwpersonality.api.outcome.Outcome report(
            String vmId, Metrics metrics, Optional<String> slot, Optional<Double> threshold, String actor) {
        requireApiRole();
        awaitReady();
        RepersonalizationRequest rr =
                new RepersonalizationRequest(vmId, metrics, Optional.empty(), Optional.empty(), slot, threshold);
        vms.find(vmId).orElseThrow(() -> HwpException.notFound("VM", vmId));
        Allocation current = activeOf(rr);
        PersonalityProfile profile = profiles.find(current.personalityId())
                .orElseThrow(() -> HwpException.notFound("profile", current.personalityId()));
        PerformanceFigures promised = promise(profile, current.request().workload());
        boolean under = !shortfalls(metrics, current.request().requirements()).isEmpty()
                || threshold
                        .flatMap(t -> Shortfall.of(
                                "measured",
                                metrics.throughputGops(),
                                metrics.latencyUs(),
                                metrics.powerWatts(),
                                promised,
                                t))
                        .isPresent();
        return record(current, metrics, under, promised, actor);
    }

    @Override
    public List<org.hwpersonality.api.outcome.LearnedFigures> learned(String personalityId) {
        return learning.learned(personalityId);
    }

    @Override
    public List<org.hwpersonality.api.outcome.LearnedFigures> underperforming() {
        return learning.flagged();
    }

    @Override
    public int learningMinSamples() {
        return learning.minSamples();
    }

    /** What the metrics show the current personality misses of the requirements. */
    static List<String> shortfalls(Metrics m, Requirements r) {
        List<String> out = new ArrayList<>();
        if (r.minThroughputGops().isPresent()
                && m.throughputGops().isPresent()
                && m.throughputGops().get() < r.minThroughputGops().get()) {
            out.add("measured throughput " + m.throughputGops().get() + " GOPS below "
                    + r.minThroughputGops().get());
        }
        if (r.maxLatencyUs().isPresent()
                && m.latencyUs().isPresent()
                && m.latencyUs().get() > r.maxLatencyUs().get()) {
            out.add("measured latency " + m.latencyUs().get() + " µs above "
                    + r.maxLatencyUs().get());
        }
        if (r.maxPowerWatts().isPresent()
                && m.powerWatts().isPresent()
                && m.powerWatts().get() > r.maxPowerWatts().get()) {
            out.add("measured power " + m.powerWatts().get() + " W above "
                    + r.maxPowerWatts().get());
        }
        return out;
    }

    private AllocationResult unchanged(Allocation current, PersonalityProfile profile, String reason) {
        Device device = devices.device(current.deviceId()).orElseThrow();
        PerformanceFigures figures = promise(profile, current.request().workload());
        return new AllocationResult(
                current,
                device.vendor(),
                profile.origin() == Origin.DERIVED,
                current.driverPackageId().flatMap(driverRepository::find),
                Reconfiguration.NOT_NEEDED,
                new MatchCandidate(
                        current.personalityId(),
                        current.deviceId(),
                        current.regionId(),
                        figures,
                        0,
                        true,
                        Optional.empty(),
                        List.of(reason)),
                false);
    }

    @Override
    public Optional<Allocation> allocation(String allocationId) {
        return allocations.find(allocationId);
    }

    @Override
    public List<Allocation> allocations(String vmId, int limit) {
        if (vmId != null) {
            List<Allocation> of = allocations.ofVm(vmId);
            return of.subList(0, Math.min(of.size(), Math.max(1, limit)));
        }
        return allocations.list(limit);
    }
}
