package dev.orchestrator.config;

/**
 * Thrown by a configuration record's constructor when one of its values is out of range. The
 * loader turns it into a {@link ConfigException} that names the full key and where it was set.
 */
final class InvalidSetting extends RuntimeException {
    private final String key;

    InvalidSetting(String key, String problem) {
        super(problem, null, false, false);
        this.key = key;
    }

    /** The key within the record that threw, in YAML spelling ({@code swarm_size}). */
    String key() {
        return key;
    }

    static int requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSetting(key, "must be a whole number from " + min + " to " + max + ", not " + value);
        }
        return value;
    }

    static <T> T requirePresent(String key, T value) {
        if (value == null) {
            throw new InvalidSetting(key, "must be set (it may not be null)");
        }
        return value;
    }
}
