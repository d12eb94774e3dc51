package io.berth.runtime.config;

/**
 * A TOML table of the configuration, written as a record. Components that are
 * themselves sections become nested tables, and a {@code Map<String, X>} of
 * sections becomes {@code [name.KEY]} tables. The loader, the validator and
 * the default-config printer all walk these records, so adding a table means
 * adding one record (with {@link Doc} on each component) plus its
 * {@link #validate()} and one component in {@link BerthConfig}.
 */
public interface ConfigSection {

    /**
     * Checks this table's own values (nested sections are visited by the
     * caller). Throws {@link BadValueException} naming the key relative to this
     * table.
     */
    default void validate() {
    }
}
