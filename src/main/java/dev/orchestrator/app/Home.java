package dev.orchestrator.app;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ORCHESTRATOR_HOME}: the database, logs, REPL history and the optional config.yaml.
 * Chosen by {@code --home}, else the environment variable, else {@code ~/.orchestrator}.
 */
record Home(Path root) {
    static Home resolve(Optional<Path> flag, Map<String, String> environment, Path userHome, Path workingDirectory) {
        Path chosen = flag.orElseGet(() -> {
            String variable = environment.get("ORCHESTRATOR_HOME");
            return variable == null || variable.isBlank() ? userHome.resolve(".orchestrator") : Path.of(variable);
        });
        return new Home(workingDirectory.resolve(chosen).toAbsolutePath().normalize());
    }

    Path database() {
        return root.resolve("orchestrator.db");
    }

    Path logFile() {
        return root.resolve("logs").resolve("orchestrator.log");
    }

    Path history() {
        return root.resolve("history");
    }
}
