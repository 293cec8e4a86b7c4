package dev.orchestrator.app;

import dev.orchestrator.config.PhaseName;
import java.util.Arrays;
import java.util.Optional;

/** Reads {@code --fail-at-phase}: a phase name ({@code architecture}) or its number (1-7). */
final class FailAt {
    private FailAt() {}

    static Optional<PhaseName> parse(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.empty();
        }
        String text = value.get().strip();
        PhaseName[] phases = PhaseName.values();
        if (text.matches("\\d{1,2}")) {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= phases.length) {
                return Optional.of(phases[n - 1]);
            }
        } else {
            try {
                return Optional.of(PhaseName.fromWireName(text));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw new UsageException("--fail-at-phase needs a phase name or number 1-" + phases.length + " (got '" + text
                + "'); phases: "
                + String.join(
                        ", ", Arrays.stream(phases).map(PhaseName::toString).toList()) + ".");
    }
}
