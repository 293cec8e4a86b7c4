package dev.orchestrator.bench;

import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.Listeners;
import dev.orchestrator.project.NewProject;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.repl.Repl;
import dev.orchestrator.repl.Style;
import dev.orchestrator.store.Database;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.workspace.ProjectFolders;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;

/**
 * {@code /projects} with many projects in a real SQLite file: the time from typing the command to
 * the whole first page being on screen, through the real REPL on a dumb terminal. The first run in
 * a fresh JVM is reported apart from the steady state. Usage: {@code ProjectsListBench [PROJECTS] [RUNS]}.
 */
public final class ProjectsListBench {
    private ProjectsListBench() {}

    public static void main(String[] args) throws Exception {
        int projects = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path home = Files.createTempDirectory("orchestrator-bench-projects");
        try (Database database = Database.open(home.resolve("orchestrator.db"), Database.Durability.NORMAL)) {
            var repository = new SqliteProjectRepository(database, InstantSource.system());
            long seedStart = System.nanoTime();
            for (int i = 1; i <= projects; i++) {
                repository.create(new NewProject(
                        "project-" + i, "project-" + i, "idea number " + i, home.resolve("ws/project-" + i), "{}"));
            }
            System.out.printf(
                    "seeded %,d projects in %.1f s (%,d bytes of database)%n",
                    projects, (System.nanoTime() - seedStart) / 1e9, Files.size(home.resolve("orchestrator.db")));

            PipedOutputStream keyboard = new PipedOutputStream();
            ByteArrayOutputStream screen = new ByteArrayOutputStream();
            Terminal terminal = new DumbTerminal(
                    "bench",
                    Terminal.TYPE_DUMB,
                    new PipedInputStream(keyboard, 1 << 16),
                    screen,
                    StandardCharsets.UTF_8);
            var service = new ProjectService(repository, new ProjectFolders(home.resolve("ws")), () -> "{}");
            var setup = new Repl.Setup("bench", database.file(), home.resolve("log"), List.of(), false, Map.of());
            // the scripted agent with an empty script: the benchmark only lists projects
            Path script = Files.writeString(home.resolve("script.yaml"), "responses: []\n");
            OrchestratorConfig config = ConfigLoader.load(new ConfigLoader.Inputs(
                            home,
                            Optional.empty(),
                            Map.of(),
                            List.of(
                                    new ConfigLoader.FlagSetting("agent.backend", "scripted", "bench"),
                                    new ConfigLoader.FlagSetting("agent.script", script.toString(), "bench")),
                            home))
                    .config();
            Listeners listeners = new Listeners();
            Engine engine = new Engine(
                    PipelineBench.services(
                            database,
                            config,
                            repository,
                            store -> store,
                            tracker -> tracker,
                            agent -> agent,
                            listeners),
                    listeners,
                    id -> Optional.empty());
            Thread repl = Thread.ofPlatform()
                    .start(new Repl(
                            terminal,
                            service,
                            engine,
                            home.resolve("history"),
                            Style.PLAIN,
                            InstantSource.system(),
                            setup)::run);
            waitFor(screen, "> ", 0);

            long[] nanos = new long[runs];
            for (int i = 0; i < runs; i++) {
                int before = screen.size();
                long start = System.nanoTime();
                keyboard.write("/projects\n".getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
                waitFor(screen, "/status <id> for details", before);
                nanos[i] = System.nanoTime() - start;
            }
            keyboard.write("/quit\n".getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
            repl.join();
            engine.close();
            long first = nanos[0];
            long[] rest = Arrays.copyOfRange(nanos, 1, nanos.length);
            Arrays.sort(rest);
            System.out.printf(
                    "/projects, first page of %,d projects: first call %.1f ms; then median %.2f ms, p90 %.2f ms,"
                            + " max %.2f ms over %d calls%n",
                    projects,
                    first / 1e6,
                    rest[rest.length / 2] / 1e6,
                    rest[(int) Math.ceil(rest.length * 0.9) - 1] / 1e6,
                    rest[rest.length - 1] / 1e6,
                    rest.length);
        }
    }

    private static void waitFor(ByteArrayOutputStream screen, String text, int from) throws InterruptedException {
        while (true) {
            String shown = screen.toString(StandardCharsets.UTF_8);
            if (shown.indexOf(text, from) >= 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }
}
