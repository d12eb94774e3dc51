package io.berth.image.registry;

import io.berth.common.error.InvalidArgumentException;
import io.berth.image.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What the kubelet hands us in a pull's AuthConfig. {@link #toString()} never
 * shows a secret, so a credential that ends up in a log line or an exception
 * message by accident leaks nothing.
 */
public final class Credentials {

    public static final Credentials ANONYMOUS = new Credentials(null, null, null, null);

    private final String username;
    private final String password;
    private final String identityToken;
    private final String registryToken;

    public Credentials(String username, String password, String identityToken, String registryToken) {
        this.username = blankToNull(username);
        this.password = blankToNull(password);
        this.identityToken = blankToNull(identityToken);
        this.registryToken = blankToNull(registryToken);
    }

    /**
     * Builds from the CRI AuthConfig fields; {@code auth} is base64 of
     * {@code user:password} and fills in what username/password leave empty.
     */
    public static Credentials fromAuthConfig(String username, String password, String auth,
            String identityToken, String registryToken) {
        String user = blankToNull(username);
        String pass = blankToNull(password);
        if (user == null && blankToNull(auth) != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("AuthConfig.auth is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new InvalidArgumentException("AuthConfig.auth does not decode to user:password");
            }
            user = decoded.substring(0, colon);
            pass = decoded.substring(colon + 1);
        }
        return new Credentials(user, pass, identityToken, registryToken);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public boolean hasBasic() {
        return username != null && password != null;
    }

    public boolean isAnonymous() {
        return username == null && identityToken == null && registryToken == null;
    }

    String username() {
        return username;
    }

    String identityToken() {
        return identityToken;
    }

    String registryToken() {
        return registryToken;
    }

    String basicHeader() {
        String pair = username + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A key that tells credentials apart in caches and single-flight maps
     * without keeping the secrets themselves around as map keys.
     */
    public String cacheKey() {
        if (isAnonymous()) {
            return "anonymous";
        }
        String all = username + "\u0000" + password + "\u0000" + identityToken + "\u0000" + registryToken;
        return Digest.of(all.getBytes(StandardCharsets.UTF_8)).shortHex();
    }

    @Override
    public String toString() {
        return isAnonymous() ? "Credentials[anonymous]" : "Credentials[user=" + username + ", secrets redacted]";
    }
}
