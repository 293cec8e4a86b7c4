package dev.orchestrator.agent;

import java.util.Locale;

/** Why an agent call failed. Transient classes are worth retrying; the others need a person or a fix. */
public enum ErrorClass {
    RATE_LIMIT(true),
    OVERLOADED(true),
    API_ERROR(true),
    AUTHENTICATION(false),
    CONTEXT_OVERFLOW(false),
    MAX_TURNS(false),
    TOOL_DENIED(false),
    CRASH(true),
    STALL(true),
    TIMEOUT(true),
    MISSING_BINARY(false),
    INVALID_OUTPUT(false);

    private final boolean transientFailure;

    ErrorClass(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    /** Whether retrying the same call may succeed. */
    public boolean isTransient() {
        return transientFailure;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ErrorClass fromWireName(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }
}
