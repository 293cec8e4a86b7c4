package dev.orchestrator.repl;

import java.util.List;

/** {@code /quit}: leave the session; everything is already saved. */
final class QuitCommand implements Command {
    @Override
    public String name() {
        return "quit";
    }

    @Override
    public List<String> aliases() {
        return List.of("exit", "q");
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "leave (also Ctrl+D); everything is already saved";
    }

    @Override
    public String example() {
        return "/quit";
    }

    @Override
    public Outcome run(String arguments, Session session) {
        return Outcome.QUIT;
    }
}
