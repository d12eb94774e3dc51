package io.berth.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.common.exec.Executables;
import io.berth.cri.v1.ContainerConfig;
import io.berth.cri.v1.ContainerMetadata;
import io.berth.cri.v1.ContainerStatusRequest;
import io.berth.cri.v1.CreateContainerRequest;
import io.berth.cri.v1.ImageServiceGrpc;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.KeyValue;
import io.berth.cri.v1.LinuxContainerConfig;
import io.berth.cri.v1.LinuxContainerResources;
import io.berth.cri.v1.LinuxContainerSecurityContext;
import io.berth.cri.v1.LinuxPodSandboxConfig;
import io.berth.cri.v1.LinuxSandboxSecurityContext;
import io.berth.cri.v1.ListContainersRequest;
import io.berth.cri.v1.ListImagesRequest;
import io.berth.cri.v1.ListPodSandboxRequest;
import io.berth.cri.v1.Mount;
import io.berth.cri.v1.NamespaceMode;
import io.berth.cri.v1.NamespaceOption;
import io.berth.cri.v1.PodSandboxConfig;
import io.berth.cri.v1.PodSandboxMetadata;
import io.berth.cri.v1.PodSandboxStatusRequest;
import io.berth.cri.v1.PullImageRequest;
import io.berth.cri.v1.RemoveContainerRequest;
import io.berth.cri.v1.RemoveImageRequest;
import io.berth.cri.v1.RemovePodSandboxRequest;
import io.berth.cri.v1.RunPodSandboxRequest;
import io.berth.cri.v1.RuntimeServiceGrpc;
import io.berth.cri.v1.StartContainerRequest;
import io.berth.cri.v1.StopContainerRequest;
import io.berth.cri.v1.StopPodSandboxRequest;
import io.berth.image.ref.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The container lifecycle of {@code berthd aot-train}, run by the training
 * client when the machine can run containers (root, catatonit): without it the
 * cache holds start-up only, and every container call of a fresh berthd runs
 * cold code; the first hundred CreateContainers took ~8 ms instead of ~5.
 * It pulls a one-layer image from a registry of its own on loopback, runs a
 * host-network pod and {@link #LIFECYCLES} containers through create, start,
 * status, list, stop and remove, with real runc and overlayfs, and removes
 * everything again. The image holds only the host's static catatonit, which
 * pauses until the stop's SIGTERM.
 */
final class AotLifecycleWorkload {

    /** Enough calls for the profiles to settle; a lifecycle takes ~0.1 s. */
    static final int LIFECYCLES = 20;
    private static final int READS_PER_LIFECYCLE = 20;
    private static final String REPOSITORY = "berth/aot-train";

    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub rt;
    private final ImageServiceGrpc.ImageServiceBlockingStub img;
    private final Path dir;

    AotLifecycleWorkload(RuntimeServiceGrpc.RuntimeServiceBlockingStub rt,
                         ImageServiceGrpc.ImageServiceBlockingStub img, Path dir) {
        this.rt = rt;
        this.img = img;
        this.dir = dir;
    }

    /** Why this machine cannot train the lifecycle, or null when it can. */
    static String unavailable() {
        try {
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
                return "not root";
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "cannot tell whether this is root: " + e.getMessage();
        }
        return Executables.onPath("catatonit").isEmpty() ? "no catatonit on PATH" : null;
    }

    /** Runs the lifecycle; whatever it made is removed again, also when a step fails. */
    void run() throws IOException {
        Path catatonit = Executables.onPath("catatonit").orElseThrow(() -> new IOException("no catatonit on PATH"));
        TrainingImage image = TrainingImage.build(Files.readAllBytes(catatonit));
        HttpServer registry = TrainingImage.serve(image);
        String ref = "127.0.0.1:" + registry.getAddress().getPort() + "/" + REPOSITORY + ":1";
        String podId = null;
        try {
            img.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
            for (int i = 0; i < READS_PER_LIFECYCLE; i++) {
                img.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
                img.listImages(ListImagesRequest.getDefaultInstance());
            }
            PodSandboxConfig pod = pod();
            podId = rt.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
            for (int i = 0; i < LIFECYCLES; i++) {
                lifecycle(podId, pod, ref, i);
            }
        } finally {
            try {
                if (podId != null) {
                    // Removes any container a failed lifecycle left behind too.
                    rt.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                    rt.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                }
                img.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref))
                        .build());
            } finally {
                registry.stop(0);
            }
        }
    }

    private void lifecycle(String podId, PodSandboxConfig pod, String ref, int n) throws IOException {
        String id = rt.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setSandboxConfig(pod).setConfig(container(ref, n)).build()).getContainerId();
        rt.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        ContainerStatusRequest status = ContainerStatusRequest.newBuilder().setContainerId(id).build();
        for (int i = 0; i < READS_PER_LIFECYCLE; i++) {
            rt.containerStatus(status);
            rt.listContainers(ListContainersRequest.getDefaultInstance());
            rt.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build());
            rt.listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
        }
        rt.containerStatus(status.toBuilder().setVerbose(true).build());
        rt.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(10).build());
        rt.containerStatus(status);
        rt.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    }

    private PodSandboxConfig pod() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("pod-logs"));
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("aot-train").setNamespace("berth")
                        .setUid("aot-train-" + ProcessHandle.current().pid()))
                .setLogDirectory(logs.toString())
                .putLabels("app", "aot-train")
                .putAnnotations("berth.io/purpose", "aot-train")
                // One level that berthd creates and so removes with the pod: the default
                // parent (/berth) would stay behind on the machine that built the cache.
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent("/berth-aot-train-" + ProcessHandle.current().pid())
                        .setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER)
                                .setIpc(NamespaceMode.POD))))
                .build();
    }

    /** What a kubelet sends for a plain pod container: labels, env, a volume, limits. */
    private ContainerConfig container(String ref, int n) throws IOException {
        Path volume = Files.createDirectories(dir.resolve("volume"));
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("train-" + n))
                .setImage(ImageSpec.newBuilder().setImage(ref))
                .addCommand("/catatonit").addArgs("-P")
                .addEnvs(KeyValue.newBuilder().setKey("BERTH_TRAINING").setValue("1"))
                .putLabels("io.kubernetes.container.name", "train")
                .putAnnotations("io.kubernetes.container.restartCount", "0")
                .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(volume.toString()))
                .setLogPath("train-" + n + ".log")
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setCpuShares(256)
                                .setMemoryLimitInBytes(64L << 20))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)
                                        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))))
                .build();
    }

    /** A one-layer OCI image (catatonit, /etc/passwd) and a registry on loopback serving it. */
    record TrainingImage(byte[] layer, byte[] config, byte[] manifest) {

        static TrainingImage build(byte[] catatonit) throws IOException {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            tarEntry(tar, "etc/", '5', 0755, new byte[0]);
            tarEntry(tar, "etc/passwd", '0', 0644, "root:x:0:0:root:/:/catatonit\n".getBytes(StandardCharsets.UTF_8));
            tarEntry(tar, "catatonit", '0', 0755, catatonit);
            tar.write(new byte[1024]); // two zero blocks end the archive
            byte[] plain = tar.toByteArray();
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(plain);
            }
            byte[] layer = gz.toByteArray();
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/\"],"
                    + "\"Cmd\":[\"/catatonit\",\"-P\"],\"StopSignal\":\"SIGTERM\"},"
                    + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + digest(plain) + "\"]}}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                    + digest(config) + "\",\"size\":" + config.length + "},"
                    + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                    + digest(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
            return new TrainingImage(layer, config, manifest);
        }

        /** The distribution API's read side for this one image, on an ephemeral loopback port. */
        static HttpServer serve(TrainingImage image) throws IOException {
            Map<String, byte[]> blobs = Map.of(digest(image.layer), image.layer, digest(image.config), image.config);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.createContext("/v2/", ex -> {
                String path = ex.getRequestURI().getPath();
                String manifests = "/v2/" + REPOSITORY + "/manifests/";
                String blobsPrefix = "/v2/" + REPOSITORY + "/blobs/";
                if (path.equals("/v2/")) {
                    reply(ex, "application/json", "{}".getBytes(StandardCharsets.UTF_8), null);
                } else if (path.startsWith(manifests)) {
                    reply(ex, "application/vnd.oci.image.manifest.v1+json", image.manifest, digest(image.manifest));
                } else if (path.startsWith(blobsPrefix) && blobs.containsKey(path.substring(blobsPrefix.length()))) {
                    String d = path.substring(blobsPrefix.length());
                    reply(ex, "application/octet-stream", blobs.get(d), d);
                } else {
                    ex.sendResponseHeaders(404, -1);
                    ex.close();
                }
            });
            server.start();
            return server;
        }

        private static void reply(HttpExchange ex, String type, byte[] body, String digest) throws IOException {
            ex.getResponseHeaders().set("Content-Type", type);
            if (digest != null) {
                ex.getResponseHeaders().set("Docker-Content-Digest", digest);
            }
            boolean head = ex.getRequestMethod().equals("HEAD");
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            }
            ex.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
        }

        /** One ustar entry: a 512-byte header, the content, padding to the next block. */
        private static void tarEntry(ByteArrayOutputStream tar, String name, char type, int mode, byte[] content) {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, String.format("%07o", mode));
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", content.length));
            put(h, 136, String.format("%011o", 0L));
            h[156] = (byte) type;
            put(h, 257, "ustar");
            put(h, 263, "00");
            java.util.Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            tar.writeBytes(h);
            tar.writeBytes(content);
            tar.writeBytes(new byte[(512 - content.length % 512) % 512]);
        }

        private static void put(byte[] header, int at, String value) {
            byte[] b = value.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, header, at, b.length);
        }

        static String digest(byte[] content) {
            return Digest.of(content).toString();
        }
    }
}
