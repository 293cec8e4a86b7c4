package dev.orchestrator.pipeline;

import java.time.Instant;
import java.util.Optional;

/** Whether this instance may run a project: it owns it now, or another live instance does. */
public sealed interface Claim {
    /** Ours now; {@code previousOwner} is the dead or stale instance it was taken from. */
    record Claimed(Optional<String> previousOwner) implements Claim {}

    /** Another instance is running it and is alive. */
    record OwnedElsewhere(String owner, Optional<Instant> heartbeat) implements Claim {}
}
