package dev.orchestrator.repl;

import dev.orchestrator.project.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code /export <id> [file]}: writes the project's whole state as one JSON document. */
final class ExportCommand implements Command {
    private static final Spec SPEC = new Spec(
            "export",
            List.of(),
            "<id|name> [file]",
            "write a project's whole state (phases, outputs, items, sessions, events) as JSON",
            "/export 3 todo.json",
            true);

    @Override
    public Spec spec() {
        return SPEC;
    }

    @Override
    public Outcome run(String arguments, Session session) {
        String[] parts = arguments.strip().split("\\s+", 2);
        Optional<Project> project = session.project(parts[0]);
        if (project.isEmpty()) {
            return Outcome.CONTINUE;
        }
        Path file = Path.of(parts.length > 1 ? parts[1].strip() : project.get().slug() + "-export.json")
                .toAbsolutePath();
        String json = session.engine().export(project.get().id()).orElseThrow();
        try {
            Files.writeString(file, json);
        } catch (IOException e) {
            session.error("cannot write " + file + ": " + e.getMessage() + ". Name another file: /export "
                    + project.get().id() + " FILE");
            return Outcome.CONTINUE;
        }
        session.println(
                session.style().success("Exported project " + project.get().id() + " to " + file) + " ("
                        + json.length() / 1024 + " KiB).");
        return Outcome.CONTINUE;
    }
}
