package io.berth.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.MountPropagation;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecursiveReadOnlyTest extends FixtureTest {

    @BeforeEach
    void setUp() {
        fx.runtime = SpecFixture.RUNC_1_1;
    }

    private Mount.Builder rro() {
        return Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString()).setReadonly(true)
                .setRecursiveReadOnly(true).setPropagation(MountPropagation.PROPAGATION_PRIVATE);
    }

    @Test
    void supportedRuntimeGetsRroNextToRo() {
        var m = UserNamespaceSpecTest.mount(fx.spec(b -> b.addMounts(rro())), "/data");
        assertEquals(List.of("rbind", "rprivate", "ro", "rro"), SpecFixture.texts(m.get("options")));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(false, MountPropagation.PROPAGATION_PRIVATE, "readonly=true"),
                Arguments.of(true, MountPropagation.PROPAGATION_HOST_TO_CONTAINER, "PROPAGATION_PRIVATE"),
                Arguments.of(true, MountPropagation.PROPAGATION_BIDIRECTIONAL, "PROPAGATION_PRIVATE"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void rroNeedsReadonlyAndPrivatePropagation(boolean readonly, MountPropagation p, String complaint) {
        var e = assertThrows(InvalidArgumentException.class,
                () -> fx.spec(b -> b.addMounts(rro().setReadonly(readonly).setPropagation(p))));
        assertTrue(e.getMessage().contains("/data") && e.getMessage().contains(complaint), e.getMessage());
    }

    @Test
    void aRuntimeOrKernelWithoutRroRefusesNamingTheRuntime() {
        fx.runtime = new RuntimeFeatures("/usr/bin/runc", "1.0.2", Set.of("ro"), true, false, false,
                SpecFixture.KERNEL);
        var e = assertThrows(InvalidArgumentException.class, () -> fx.spec(b -> b.addMounts(rro())));
        assertTrue(e.getMessage().contains("/usr/bin/runc") && e.getMessage().contains("recursive_read_only"),
                e.getMessage());
    }
}
