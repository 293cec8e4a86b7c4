package dev.orchestrator.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version, from a resource the build fills in. */
final class Version {
    private Version() {}

    static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/orchestrator-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
