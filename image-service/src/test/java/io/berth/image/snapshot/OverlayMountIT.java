package io.berth.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.os.UserNamespaceHolder;
import io.berth.image.unpack.LayerBuilder;
import io.berth.image.unpack.LayerCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mounts real overlays of snapshot chains and reads the merged tree. */
class OverlayMountIT {

    private static final int LAYERS = 100;

    @TempDir
    Path tmp;

    /**
     * Layer i writes layer-i and overwrites "top"; layer 10 makes opq/ with
     * old files, layer 60 marks opq/ opaque and adds its own; layer 70 whites
     * out layer-5 and the directory gone/ from layer 20.
     */
    private static LayerBuilder layer(int i) {
        LayerBuilder b = new LayerBuilder().file("layer-" + i, "i=" + i).file("top", "written by " + i)
                .dir("shared/").file("shared/from-" + i, "x");
        switch (i) {
            case 10 -> b.dir("opq/").file("opq/old", "hidden later").dir("opq/sub/").file("opq/sub/deep", "x");
            case 20 -> b.dir("gone/").file("gone/f", "x");
            case 60 -> b.dir("opq/").file("opq/.wh..wh..opq", "").file("opq/new", "visible");
            case 70 -> b.file(".wh.layer-5", "").file(".wh.gone", "");
            default -> {
            }
        }
        return b;
    }

    private OverlaySnapshotter chain(int layers) throws IOException {
        OverlaySnapshotter s = new OverlaySnapshotter(tmp.resolve("root"));
        for (int i = 1; i <= layers; i++) {
            Path blob = Files.write(tmp.resolve("blob"), LayerBuilder.compress(layer(i).tar(), LayerCompression.GZIP));
            s.unpack(OverlaySnapshotterIT.chain(i), i == 1 ? null : OverlaySnapshotterIT.chain(i - 1), blob,
                    OverlaySnapshotterIT.GZIP);
        }
        return s;
    }

    /** How a test mounts: the new mount API where the kernel has it, and the one-page fallback. */
    private interface Mounter {
        void mount(OverlayMount m, Path target) throws IOException;
    }

    @Test
    void hundredLayerChainMountsLayerByLayer() throws IOException {
        assertTrue(OverlayMount.layerByLayerSupported(), "this kernel (6.8+) takes lowerdir+");
        hundredLayerChain(OverlayMount::mount);
    }

    @Test
    void hundredLayerChainMountsThroughOnePageOfOptions() throws IOException {
        hundredLayerChain(OverlayMount::mountByOptions);
    }

    /**
     * Container root (host id {@code HOST_ROOT} through a user namespace the test makes) sees the image's
     * root-owned files as its own; the upper directory is not idmapped, so what berthd writes keeps its ids.
     */
    @Test
    void idmappedLayersShowTheMappedOwner() throws IOException, InterruptedException {
        OverlaySnapshotter s = chain(3);
        long hostRoot = 300_000 + new java.util.Random().nextInt(1000) * 65_536L;
        Path merged = Files.createDirectory(tmp.resolve("idmapped"));
        try (UserNamespaceHolder ns = UserNamespaceHolder.start("0 " + hostRoot + " 65536", "0 " + hostRoot
                + " 65536", java.time.Duration.ofSeconds(5))) {
            new OverlayMount(s.snapshotsDir(), s.lowerDirs(OverlaySnapshotterIT.chain(3)),
                    Files.createDirectory(tmp.resolve("iup")), Files.createDirectory(tmp.resolve("iwork")))
                    .mountIdmapped(merged, ns.path());
        }
        try {
            // The overlay keeps the idmapped layers after the namespace's last process is gone.
            assertEquals((int) hostRoot, Files.getAttribute(merged.resolve("top"), "unix:uid"));
            assertEquals((int) hostRoot, Files.getAttribute(merged.resolve("shared"), "unix:gid"));
            assertEquals("written by 3", Files.readString(merged.resolve("top")));
            Files.writeString(merged.resolve("new"), "x");
            assertEquals(0, Files.getAttribute(tmp.resolve("iup/new"), "unix:uid"));
            // The snapshot itself is untouched: still root's on disk.
            assertEquals(0, Files.getAttribute(s.lowerDirs(OverlaySnapshotterIT.chain(3)).getFirst().resolve("top"),
                    "unix:uid"));
        } finally {
            OverlayMount.unmount(merged);
        }
        assertEquals(List.of(), names(merged));
    }

    private void hundredLayerChain(Mounter how) throws IOException {
        OverlaySnapshotter s = chain(LAYERS);
        List<Path> lowers = s.lowerDirs(OverlaySnapshotterIT.chain(LAYERS));
        assertEquals(LAYERS, lowers.size());
        OverlayMount m = new OverlayMount(s.snapshotsDir(), lowers,
                Files.createDirectory(tmp.resolve("upper")), Files.createDirectory(tmp.resolve("work")));
        assertTrue(m.options().startsWith("lowerdir=100/fs:99/fs:"), m.options());
        Path merged = Files.createDirectory(tmp.resolve("merged"));
        Path cwd = Files.readSymbolicLink(Path.of("/proc/thread-self/cwd"));
        how.mount(m, merged);
        try {
            // The mount thread changed only its own working directory.
            assertEquals(cwd, Files.readSymbolicLink(Path.of("/proc/thread-self/cwd")));
            assertEquals("written by 100", Files.readString(merged.resolve("top")));
            for (int i = 1; i <= LAYERS; i++) {
                boolean whitedOut = i == 5;
                assertEquals(!whitedOut, Files.exists(merged.resolve("layer-" + i)), "layer-" + i);
                assertTrue(Files.exists(merged.resolve("shared/from-" + i)), "shared/from-" + i);
            }
            assertFalse(Files.exists(merged.resolve("gone"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(List.of("new"), names(merged.resolve("opq")));
            assertEquals("visible", Files.readString(merged.resolve("opq/new")));
            // Writes land in the upper directory, never in a snapshot.
            Files.writeString(merged.resolve("top"), "container");
            Files.delete(merged.resolve("layer-1"));
            assertEquals("written by 100", Files.readString(lowers.getFirst().resolve("top")));
            assertTrue(Files.exists(lowers.getLast().resolve("layer-1")));
            assertEquals("container", Files.readString(tmp.resolve("upper/top")));
        } finally {
            OverlayMount.unmount(merged);
        }
        assertEquals(List.of(), names(merged));
    }

    @Test
    void theIdmapProbeFindsThatThisKernelIdmapsLayers() {
        assertTrue(OverlayMount.idmappedLayersWork(), "Linux 6.18 idmaps overlay layers on this filesystem");
    }

    @Test
    void readOnlyOverlayOfTwoLayers() throws IOException {
        OverlaySnapshotter s = chain(2);
        Path merged = Files.createDirectory(tmp.resolve("ro"));
        OverlayMount.readOnly(s.snapshotsDir(), s.lowerDirs(OverlaySnapshotterIT.chain(2))).mount(merged);
        try {
            assertEquals("written by 2", Files.readString(merged.resolve("top")));
            assertEquals("i=1", Files.readString(merged.resolve("layer-1")));
        } finally {
            OverlayMount.unmount(merged);
        }
    }

    @Test
    void optionsStayWithinOnePageForAHundredAndTwentyEightLayers() {
        Path base = Path.of("/var/lib/berth/snapshots");
        List<Path> lowers = Stream.iterate(1000, i -> i + 1).limit(128)
                .map(i -> base.resolve(i + "/fs")).toList();
        String opts = new OverlayMount(base, lowers, Path.of("/var/lib/berth/containers/abc/upper"),
                Path.of("/var/lib/berth/containers/abc/work")).options();
        assertTrue(opts.length() < OverlayMount.MAX_OPTIONS, opts.length() + " bytes");
        assertFalse(opts.contains("/var/lib/berth/snapshots"));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
