package io.berth.runtime.oci;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link SpecFixture} in a temp directory for each test of the security rules. */
abstract class FixtureTest {

    @TempDir
    Path dir;
    SpecFixture fx;

    @BeforeEach
    void newFixture() throws Exception {
        fx = new SpecFixture(dir);
    }
}
