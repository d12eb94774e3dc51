package io.berth.runtime.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What the build stamped into build.properties (Maven resource filtering). */
public record BuildInfo(String version) {

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/berth/runtime/build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from the berthd classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(p.getProperty("version"));
    }
}
