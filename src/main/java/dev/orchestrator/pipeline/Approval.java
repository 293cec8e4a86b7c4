package dev.orchestrator.pipeline;

import dev.orchestrator.config.PhaseName;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * A decision asked of the person: approve a phase's output, or say what to do with a work item
 * that did not converge.
 */
public record Approval(
        long id,
        PhaseName phase,
        Kind kind,
        Status status,
        String summary,
        Optional<String> feedback,
        Optional<Long> itemId,
        Instant requestedAt) {

    /** What is being decided. */
    public enum Kind {
        PHASE,
        ITEM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The decision; {@code PENDING} until the person makes it. */
    public enum Status {
        PENDING,
        APPROVED,
        REJECTED,
        RETRY,
        SKIP,
        ACCEPT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status fromWireName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public boolean pending() {
        return status == Status.PENDING;
    }
}
