package org.hwpersonality.backend.sim.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A component-property annotation instance, as DS builds it from a configuration: given values, else the defaults. */
final class Configs {
    private Configs() {}

    @SuppressWarnings("unchecked")
    static <A> A of(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            throw new IllegalArgumentException("no value for " + method.getName());
        });
    }
}
