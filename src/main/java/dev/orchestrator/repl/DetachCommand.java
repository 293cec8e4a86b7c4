package dev.orchestrator.repl;

import java.util.List;

/**
 * {@code /detach}: leave at once, and let the running agents finish their calls on their own; the
 * next start of Orchestrator adopts them (follows those still running, takes the answers of those
 * that finished).
 */
final class DetachCommand implements Command {
    private static final Spec SPEC = new Spec(
            "detach",
            List.of(),
            "",
            "leave at once; running agents finish their calls and the next start adopts them",
            "/detach",
            false);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        if (!arguments.isBlank()) {
            session.error("/detach takes no arguments. /help detach explains.");
            return Outcome.CONTINUE;
        }
        return Outcome.DETACH;
    }
}
