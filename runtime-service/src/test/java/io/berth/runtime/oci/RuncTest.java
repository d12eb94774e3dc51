package io.berth.runtime.oci;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh {@link RuncBundle} per test, removed with all it made afterwards. */
abstract class RuncTest {

    RuncBundle b;

    @BeforeEach
    void newBundle() throws Exception {
        b = new RuncBundle();
    }

    @AfterEach
    void closeBundle() throws Exception {
        b.close();
    }
}
