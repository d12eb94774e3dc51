package io.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS trust from the operating system's CA bundle, so registries signed by
 * a CA the administrator added with update-ca-certificates are trusted, as
 * they are by every other tool on the host. (A JDK from a vendor ships its
 * own cacerts, which knows nothing of local CAs.)
 */
public final class SystemTrust {

    /** Debian/Ubuntu, then Fedora/RHEL. */
    public static final List<Path> BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"));

    private SystemTrust() {
    }

    /** The first readable system bundle, or empty (then the JDK's defaults apply). */
    public static Optional<Path> systemBundle() {
        return BUNDLES.stream().filter(Files::isReadable).findFirst();
    }

    /** An SSL context trusting exactly the certificates of a PEM bundle. */
    public static SSLContext fromBundle(Path pem) throws IOException {
        // Buffered: the PEM parser reads byte by byte, one read(2) each (~3 s at start-up under load).
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(pem))) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new IOException("no certificates in " + pem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load CA bundle " + pem + ": " + e.getMessage(), e);
        }
    }
}
