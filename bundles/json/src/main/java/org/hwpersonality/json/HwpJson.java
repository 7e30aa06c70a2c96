package org.hwpersonality.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.stream.Collectors;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.KernelVersion;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.json.internal.ValueMixins;

/**
 * Jackson mappers for HWP's records, and the translation of Jackson's failures into {@link ValidationException}s
 * whose field is the JSON path of the bad value ({@code $.workloads[0].performance.latencyUs}).
 *
 * <p>The mappers are strict: unknown fields, duplicate keys, trailing content and nulls for numbers are errors.
 * Digests, kernel versions and kernel ranges are plain strings.
 */
public final class HwpJson {
    /** Deepest nesting accepted in a document: far above any HWP object, far below a stack overflow. */
    public static final int MAX_NESTING = 64;

    private HwpJson() {}

    public static ObjectMapper newJsonMapper() {
        return configure(JsonMapper.builder().build());
    }

    public static ObjectMapper newYamlMapper() {
        YAMLFactory factory =
                YAMLFactory.builder().streamReadConstraints(constraints()).build();
        return configure(new YAMLMapper(factory));
    }

    private static StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING)
                .maxStringLength(1 << 20)
                .build();
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(constraints());
        mapper.registerModule(new Jdk8Module());
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
        mapper.enable(
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.addMixIn(Sha256.class, ValueMixins.Sha256Mixin.class);
        mapper.addMixIn(KernelVersion.class, ValueMixins.KernelVersionMixin.class);
        mapper.addMixIn(KernelRange.class, ValueMixins.KernelRangeMixin.class);
        mapper.addMixIn(org.hwpersonality.api.device.PciAddress.class, ValueMixins.PciAddressMixin.class);
        mapper.addMixIn(org.hwpersonality.api.vm.VirtualMachine.class, ValueMixins.VirtualMachineMixin.class);
        return mapper;
    }

    /**
     * The failure to read a document, as a {@link ValidationException} naming the JSON path ({@code $} is the
     * document itself) and the reason.
     */
    public static ValidationException invalid(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ValidationException v) {
                return v.within(path(e));
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null
                    ? ""
                    : " (known: "
                            + u.getKnownPropertyIds().stream()
                                    .map(String::valueOf)
                                    .sorted()
                                    .collect(Collectors.joining(", "))
                            + ")";
            return new ValidationException(path(e), "is not a known field" + known);
        }
        if (e instanceof InvalidFormatException f) {
            return new ValidationException(
                    path(e), "must be " + describe(f.getTargetType()) + " (was '" + f.getValue() + "')");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new ValidationException(path(e), "must be " + describe(m.getTargetType()));
        }
        if (e instanceof JsonMappingException) {
            // Jackson's own words name Java types (`org.…`): the caller learns the path, not the classes.
            String said = firstLine(e.getOriginalMessage());
            return new ValidationException(path(e), said.contains("`") ? "is not of the expected form" : said);
        }
        String where = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
        return new ValidationException("$", "is not well-formed: " + firstLine(e.getOriginalMessage()) + where);
    }

    /** The JSON path of the value a mapping failure is about: {@code $}, {@code $.a.b}, {@code $[2].c}. */
    static String path(JsonProcessingException e) {
        StringBuilder path = new StringBuilder("$");
        if (e instanceof JsonMappingException m) {
            for (JsonMappingException.Reference ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append('.').append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Sha256.class || type == KernelVersion.class || type == KernelRange.class) {
            return "a string";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return "one of "
                    + java.util.Arrays.stream(constants).map(String::valueOf).collect(Collectors.joining(", "));
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        if (type == java.time.Instant.class) {
            return "a timestamp such as 2026-11-25T10:00:00Z";
        }
        return "an object";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot be read";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
