package io.berth.runtime.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code berth.toml}: the file's keys are laid over the defaults, bound
 * to {@link BerthConfig} strictly (unknown keys and wrong types fail), then
 * every section validates its values. Errors name the key and the source.
 */
public final class ConfigLoader {

    /** In a holder: with no config file berthd never pays for building the mapper. */
    private static final class Toml {
        static final TomlMapper MAPPER = strictMapper();
    }

    private ConfigLoader() {
    }

    /**
     * Loads {@code file}; a missing file means the defaults unless
     * {@code mustExist} (the user named it with {@code --config}).
     */
    public static BerthConfig load(Path file, boolean mustExist) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (mustExist) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            return BerthConfig.defaults();
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses TOML text; {@code source} names it in error messages. */
    public static BerthConfig parse(String toml, String source) throws ConfigException {
        JsonNode fileTree;
        try {
            fileTree = Toml.MAPPER.readTree(toml);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": not valid TOML: " + e.getOriginalMessage(), e);
        }
        ObjectNode merged = Toml.MAPPER.valueToTree(BerthConfig.defaults());
        merge(merged, fileTree);
        BerthConfig config;
        try {
            config = Toml.MAPPER.treeToValue(merged, BerthConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown key '" + keyPath(e) + "'", e);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": bad value for key '" + keyPath((JsonMappingException) e)
                    + "': expected " + expectedShape(e), e);
        }
        validate(config, source);
        return config;
    }

    /** Validates every section of {@code config}; {@code source} names where the values came from. */
    public static void validate(BerthConfig config, String source) throws ConfigException {
        try {
            validateSection("", config);
        } catch (PrefixedBadValue e) {
            throw new ConfigException(source + ": bad value for key '" + e.key + "': " + e.getMessage(), e.key,
                    e.getMessage(), e);
        }
    }

    private static void validateSection(String prefix, ConfigSection section) {
        try {
            section.validate();
        } catch (BadValueException e) {
            throw new PrefixedBadValue(prefix + e.key(), e.getMessage());
        }
        for (Sections.Entry entry : Sections.entries(section)) {
            if (entry.value() instanceof ConfigSection nested) {
                validateSection(prefix + entry.key() + ".", nested);
            } else if (entry.value() instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (e.getValue() instanceof ConfigSection nested) {
                        validateSection(prefix + entry.key() + "." + e.getKey() + ".", nested);
                    }
                }
            }
        }
    }

    private static void merge(ObjectNode base, JsonNode overlay) {
        overlay.properties().forEach(field -> {
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingTable && field.getValue().isObject()) {
                merge(existingTable, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue());
            }
        });
    }

    private static String keyPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String expectedShape(JacksonException e) {
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (target == null) {
            return "a value of another type";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(target) || target.isPrimitive()) {
            return "a number";
        }
        if (List.class.isAssignableFrom(target)) {
            return "an array";
        }
        return "a table";
    }

    private static TomlMapper strictMapper() {
        TomlMapper mapper = TomlMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // A number or boolean where a string belongs is a mistake, not something to convert.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Carries the full dotted key out of the recursive walk. */
    private static final class PrefixedBadValue extends RuntimeException {
        private final String key;

        PrefixedBadValue(String key, String message) {
            super(message);
            this.key = key;
        }
    }
}
