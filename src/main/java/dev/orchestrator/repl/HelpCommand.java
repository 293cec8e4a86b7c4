package dev.orchestrator.repl;

import java.util.List;

/** {@code /help [command]}: every command with what it does and an example. */
final class HelpCommand implements Command {
    private static final Spec SPEC =
            new Spec("help", List.of("?"), "[command]", "list the commands, or explain one", "/help status", false);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        Style style = session.style();
        String wanted = arguments.strip().replaceFirst("^/", "");
        if (!wanted.isEmpty()) {
            return explain(wanted, session);
        }
        session.println(
                style.bold("Start a project") + " by typing your idea as a sentence (two words or more), for example:");
        session.println("  " + style.cyan("a command-line tool that renames photos by the date they were taken"));
        session.println("Orchestrator proposes a name, creates the project and its folder, and runs its pipeline:");
        session.println("  ideation > architecture > task_breakdown > initialize > implement > test > deploy");
        session.println("It stops at checkpoints to ask " + style.bold("Approve? [Y/n/view/edit]")
                + " and asks its questions at the prompt; every step is saved, so a stop or crash loses nothing.");
        session.println();
        session.println(style.bold("Commands"));
        Table table = new Table(List.of(
                Table.Column.left("command"), Table.Column.shrinking("what it does"), Table.Column.left("example")));
        for (Command command : session.commands().all()) {
            Spec spec = command.spec();
            table.row(List.of(
                    new Table.Cell(spec.usage(), style::cyan),
                    Table.Cell.plain(spec.summary()),
                    new Table.Cell(spec.example(), style::dim)));
        }
        table.render(session.width(), style).stream()
                .skip(1)
                .map(line -> "  " + line)
                .forEach(session::println);
        session.println();
        session.println(style.dim("Tab completes commands and project names. Up and down walk through history. "
                + "Ctrl+C clears the line; Ctrl+D or /quit leaves (running projects stop gracefully)."));
        return Outcome.CONTINUE;
    }

    private Outcome explain(String wanted, Session session) {
        var found = session.commands().find(wanted);
        if (found.isEmpty()) {
            session.error("there is no command /" + wanted + ". " + Repl.suggestion(session.commands(), wanted));
            return Outcome.CONTINUE;
        }
        Spec spec = found.get().spec();
        Style style = session.style();
        session.println(style.cyan(spec.usage()) + "  " + spec.summary());
        if (!spec.aliases().isEmpty()) {
            session.println("  also: "
                    + String.join(
                            ", ", spec.aliases().stream().map(a -> "/" + a).toList()));
        }
        session.println("  example: " + spec.example());
        return Outcome.CONTINUE;
    }
}
