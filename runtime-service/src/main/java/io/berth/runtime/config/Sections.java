package io.berth.runtime.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/** Reads a section record as (TOML key, value, doc) entries, in declaration order. */
final class Sections {

    private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE =
            new PropertyNamingStrategies.SnakeCaseStrategy();

    record Entry(String key, Object value, String doc) {
    }

    private Sections() {
    }

    static String tomlKey(String javaName) {
        return SNAKE.translate(javaName);
    }

    static List<Entry> entries(ConfigSection section) {
        List<Entry> out = new ArrayList<>();
        for (RecordComponent c : section.getClass().getRecordComponents()) {
            Doc doc = c.getAnnotation(Doc.class);
            out.add(new Entry(tomlKey(c.getName()), read(c, section), doc == null ? "" : doc.value()));
        }
        return out;
    }

    private static Object read(RecordComponent c, Object owner) {
        try {
            return c.getAccessor().invoke(owner);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("config record " + owner.getClass().getName()
                    + " must be a public record", e);
        }
    }
}
