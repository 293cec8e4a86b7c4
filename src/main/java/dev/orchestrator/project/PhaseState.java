package dev.orchestrator.project;

import dev.orchestrator.config.PhaseName;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One phase of one project: its status, how often it ran, and when.
 *
 * @param startCommit the workspace commit the phase started from: a failure rolls back to it
 * @param error why the phase last failed
 */
public record PhaseState(
        PhaseName phase,
        PhaseStatus status,
        int attempts,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Optional<String> startCommit,
        Optional<String> error) {

    /** How long the phase ran (until {@code now} while it still runs), if it started. */
    public Optional<Duration> duration(Instant now) {
        return startedAt.map(start -> Duration.between(start, endedAt.orElse(now)));
    }
}
