package dev.orchestrator.repl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplCompleterTest {
    @TempDir
    Path home;

    private static List<String> complete(ReplCompleter completer, String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, new DefaultParser().parse(line, line.length()), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    @Test
    void completesCommandsAfterASlash_andProjectsForCommandsThatTakeOne() throws Exception {
        try (ReplDriver driver = new ReplDriver(home)) {
            driver.service.create("idea", "todo-cli");
            Commands commands = new Commands(
                    List.of(new HelpCommand(), new ProjectsCommand(), new StatusCommand(), new QuitCommand()));
            ReplCompleter completer = new ReplCompleter(commands, driver.service.repository());

            assertThat(complete(completer, "/")).contains("/help", "/projects", "/status", "/quit");
            assertThat(complete(completer, "/status ")).containsExactly("1", "todo-cli");
            assertThat(complete(completer, "/projects ")).isEmpty();
            assertThat(complete(completer, "an idea ")).isEmpty();
        }
    }

    @Test
    void view_completesPhasesAndAllAfterTheProject() throws Exception {
        try (ReplDriver driver = new ReplDriver(home)) {
            driver.service.create("idea", "todo-cli");
            Commands commands = new Commands(List.of(new HelpCommand(), new ViewCommand()));
            ReplCompleter completer = new ReplCompleter(commands, driver.service.repository());

            assertThat(complete(completer, "/view ")).containsExactly("1", "todo-cli");
            assertThat(complete(completer, "/view 1 "))
                    .contains("ideation", "architecture", "task_breakdown", "implement", "--all");
            assertThat(complete(completer, "/view 1 ideation ")).containsExactly("--all");
            assertThat(complete(completer, "/help status ")).isEmpty();
        }
    }
}
