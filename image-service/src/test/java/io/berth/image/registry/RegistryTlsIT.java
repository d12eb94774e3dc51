package io.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.UnavailableException;
import io.berth.image.config.MirrorConfig;
import io.berth.image.config.RegistryConfig;
import io.berth.image.ref.ImageReference;
import io.berth.image.testing.RegistryPusher;
import io.berth.image.testing.RegistryServer;
import io.berth.image.testing.TestCertificates;
import io.berth.image.testing.TestImage;
import io.berth.image.testing.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS against docker-registry with a certificate from a test CA: trusted
 * when the CA is in the bundle we trust, refused (no silent downgrade) with
 * the system bundle that does not know it.
 */
class RegistryTlsIT {

    @TempDir
    Path dir;

    @Test
    void verifiesTheRegistryCertificate() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("certs"));
        TestImage image = TestImages.threeLayers(TestImage.Format.OCI);
        try (RegistryServer registry = RegistryServer.startTls(dir.resolve("reg"), certs)) {
            new RegistryPusher(registry.uri(), null, null,
                    HttpClient.newBuilder().sslContext(SystemTrust.fromBundle(certs.caCert())).build())
                    .push("tls/app", "v1", image);
            RegistryConfig cfg = new RegistryConfig(Map.of("secure.test", new MirrorConfig(
                    List.of(registry.uri().toString()), false)), List.of(), null, 0);
            ImageReference ref = ImageReference.parse("secure.test/tls/app:v1");
            Platform amd64 = Platform.parse("linux/amd64");
            Duration t = Duration.ofSeconds(30);

            RegistryClient trusting = new RegistryClient(new JdkHttpTransport(SystemTrust.fromBundle(certs.caCert())),
                    new RegistryHosts(cfg), Clock.systemUTC());
            ResolvedImage r = trusting.resolve(ref, Credentials.ANONYMOUS, amd64, t);
            assertEquals(image.manifest().digest(), r.manifest().digest());
            assertEquals(image.config().digest(), trusting.fetchConfig(r.endpoint(), ref, Credentials.ANONYMOUS,
                    r.parsed().config(), t).digest());

            // Layer blobs take the streaming client: the same trust, and the host checked too.
            TestImage.Layer layer = image.layers().getFirst();
            Descriptor d = r.parsed().layers().getFirst();
            try (RegistryTransport.Response blob = trusting.openBlob(r.endpoint(), ref, Credentials.ANONYMOUS,
                    d.digest(), t)) {
                assertArrayEquals(layer.blob().bytes(), blob.body().readAllBytes());
            }
            RegistryEndpoint byName = new RegistryEndpoint(
                    URI.create("https://localhost:" + registry.uri().getPort()), true);
            assertThrows(SSLHandshakeException.class,
                    () -> trusting.openBlob(byName, ref, Credentials.ANONYMOUS, d.digest(), t).close(),
                    "the certificate names 127.0.0.1 only");

            RegistryClient system = new RegistryClient(new JdkHttpTransport(), new RegistryHosts(cfg),
                    Clock.systemUTC());
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> system.resolve(ref, Credentials.ANONYMOUS, amd64, t));
            assertTrue(e.getMessage().contains(registry.hostPort()), e.getMessage());
            assertThrows(SSLHandshakeException.class,
                    () -> system.openBlob(r.endpoint(), ref, Credentials.ANONYMOUS, d.digest(), t).close());
        }
    }
}
