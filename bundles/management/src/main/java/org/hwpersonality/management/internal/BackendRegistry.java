package org.hwpersonality.management.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The back ends present in this process, keyed by vendor, as they come and go (a dynamic, multiple, greedy
 * reference, in the way of openHAB's provider registries); listeners hear of each arrival and departure.
 */
@Component(service = BackendRegistry.class, immediate = true)
public class BackendRegistry {
    /** A back end present, and the bundle that provides it. */
    record Bound(ReconfigurationBackend backend, String bundle, String version) {}

    /** Hears back ends arrive and leave; called on the thread that binds, so it must hand work off. */
    interface Listener {
        void arrived(ReconfigurationBackend backend);

        void left(ReconfigurationBackend backend);
    }

    private final Map<String, Bound> backends = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(ReconfigurationBackend backend) {
        Bundle bundle = FrameworkUtil.getBundle(backend.getClass());
        String name = bundle == null ? backend.getClass().getName() : bundle.getSymbolicName();
        String version = bundle == null ? "-" : bundle.getVersion().toString();
        backends.put(backend.vendor(), new Bound(backend, name, version));
        listeners.forEach(l -> l.arrived(backend));
    }

    void unbindBackend(ReconfigurationBackend backend) {
        Bound bound = backends.get(backend.vendor());
        if (bound != null && bound.backend() == backend && backends.remove(backend.vendor(), bound)) {
            listeners.forEach(l -> l.left(backend));
        }
    }

    /** Adds a listener and tells it of the back ends present now. */
    void listen(Listener listener) {
        listeners.add(listener);
        backends.values().forEach(b -> listener.arrived(b.backend()));
    }

    void unlisten(Listener listener) {
        listeners.remove(listener);
    }

    Optional<ReconfigurationBackend> get(String vendor) {
        return Optional.ofNullable(backends.get(vendor)).map(Bound::backend);
    }

    boolean present(String vendor) {
        return backends.containsKey(vendor);
    }

    /** The back ends present, by vendor. */
    Map<String, Bound> all() {
        return Map.copyOf(backends);
    }
}
