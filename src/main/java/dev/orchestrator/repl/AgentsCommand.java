package dev.orchestrator.repl;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentStatus;
import dev.orchestrator.agent.Agents;
import dev.orchestrator.config.AgentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /agents}: the coding agents this machine can run (Claude Code, Codex), their versions and
 * models, which one is in use and which is the fallback, and for each one that cannot run, the fix.
 */
final class AgentsCommand implements Command {
    private static final Spec SPEC = new Spec(
            "agents",
            List.of(),
            "",
            "show which coding agents are installed and logged in, their versions and models",
            "/agents",
            false);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        if (!arguments.isBlank()) {
            session.error("/agents takes no arguments; it looks at every backend.");
            return Outcome.CONTINUE;
        }
        Style style = session.style();
        AgentConfig config = session.engine().services().config().agent();
        List<AgentStatus> statuses = new ArrayList<>();
        for (Agent agent : Agents.real(config, session.engine().services().processes())) {
            statuses.add(agent.status());
        }
        Table table = new Table(List.of(
                Table.Column.left("BACKEND"),
                Table.Column.left("STATUS"),
                Table.Column.left("VERSION"),
                Table.Column.left("MODEL"),
                Table.Column.shrinking("COMMAND")));
        for (AgentStatus status : statuses) {
            String role = status.backend().equals(config.backend().toString())
                    ? " (in use)"
                    : config.fallback()
                                    .map(Object::toString)
                                    .filter(status.backend()::equals)
                                    .isPresent()
                            ? " (fallback)"
                            : "";
            table.row(List.of(
                    Table.Cell.plain(status.backend() + role),
                    new Table.Cell(
                            status.available() ? "ready" : "unavailable",
                            text -> status.available() ? style.green(text) : style.red(text)),
                    Table.Cell.plain(status.version().orElse(style.dash())),
                    Table.Cell.plain(status.model().orElse("its default")),
                    Table.Cell.plain(status.command().isEmpty() ? style.dash() : status.command())));
        }
        table.render(session.width(), style).forEach(session::println);
        for (AgentStatus status : statuses) {
            status.problem().ifPresent(problem -> session.println(style.yellow(status.backend() + ": ") + problem));
        }
        session.println(style.dim("agent.backend is " + config.backend() + ", agent.fallback "
                + config.fallback().map(Object::toString).orElse("none")
                + "; set them in your config.yaml or with --set agent.backend=codex"));
        return Outcome.CONTINUE;
    }
}
