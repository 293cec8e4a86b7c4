package dev.orchestrator.app;

import dev.orchestrator.OrchestratorException;
import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.ConfigSnapshot;
import dev.orchestrator.logging.LogbackConfigurator;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.repl.Repl;
import dev.orchestrator.repl.Style;
import dev.orchestrator.store.Database;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.workspace.ProjectFolders;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reads the flags, loads and validates the configuration, then opens the store and
 * starts the REPL. Help, version and configuration errors never touch the database.
 */
public final class Main {
    /** Builds the terminal the REPL runs on; tests pass one over piped streams. */
    @FunctionalInterface
    interface TerminalFactory {
        Terminal open() throws IOException;
    }

    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, System.getenv(), Path.of("").toAbsolutePath(), out, err, Main::systemTerminal);
        out.flush();
        err.flush();
        System.exit(code);
    }

    static int run(
            String[] args,
            Map<String, String> environment,
            Path workingDirectory,
            PrintWriter out,
            PrintWriter err,
            TerminalFactory terminals) {
        Cli cli;
        try {
            cli = Cli.parse(args);
        } catch (UsageException e) {
            err.println("orchestrator: " + e.getMessage());
            return e.exitCode();
        }
        if (cli.help()) {
            Cli.printHelp(out);
            return 0;
        }
        if (cli.version()) {
            out.println("orchestrator " + Version.current());
            return 0;
        }
        try {
            return start(cli, environment, workingDirectory, err, terminals);
        } catch (OrchestratorException e) {
            err.println("orchestrator: " + e.getMessage());
            return e.exitCode();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(Main.class).error("unexpected failure", e);
            err.println("orchestrator: unexpected failure: " + e + ". Nothing saved was lost; the log ("
                    + System.getProperty(LogbackConfigurator.FILE_PROPERTY, "not started yet") + ") has the detail.");
            return 1;
        }
    }

    private static int start(
            Cli cli,
            Map<String, String> environment,
            Path workingDirectory,
            PrintWriter err,
            TerminalFactory terminals) {
        Home home = Home.resolve(cli.home(), environment, Path.of(System.getProperty("user.home")), workingDirectory);
        System.setProperty(LogbackConfigurator.FILE_PROPERTY, home.logFile().toString());
        System.setProperty(LogbackConfigurator.LEVEL_PROPERTY, cli.verbose() ? "debug" : "info");
        Preloader.start();
        // The terminal touches no file: open it on the second core while the configuration loads.
        CompletableFuture<Terminal> terminal = openInBackground(terminals);
        ConfigLoader.Loaded loaded;
        try {
            loaded = ConfigLoader.load(new ConfigLoader.Inputs(
                    home.root(),
                    cli.config().map(workingDirectory::resolve),
                    environment,
                    cli.settings(),
                    workingDirectory));
            startLogging(home, cli.verbose(), err);
        } catch (RuntimeException e) {
            terminal.thenAccept(Main::closeQuietly);
            throw e;
        }
        var log = LoggerFactory.getLogger(Main.class);
        log.info("orchestrator {} starting; home {}, config files {}", Version.current(), home.root(), loaded.files());
        loaded.warnings().forEach(warning -> log.warn("{}", warning));

        try (Terminal session = terminal.join();
                Database database = Database.open(home.database(), Database.Durability.FULL)) {
            var projects = new SqliteProjectRepository(database, InstantSource.system());
            var service = new ProjectService(
                    projects,
                    new ProjectFolders(loaded.config().workspace()),
                    () -> ConfigSnapshot.json(loaded.config()));
            var setup = new Repl.Setup(
                    Version.current(), database.file(), home.logFile(), loaded.warnings(), !isInteractive());
            new Repl(session, service, home.history(), Style.of(session, environment), InstantSource.system(), setup)
                    .run();
            log.info("session ended normally");
            return 0;
        } catch (IOException e) {
            log.warn("closing the terminal failed", e);
            return 0;
        } catch (CompletionException e) {
            throw new StartupException("cannot open the terminal (" + e.getCause() + "). Run Orchestrator in a "
                    + "terminal, or pipe its input (it then reads line by line).");
        }
    }

    /** Whether a person is typing: standard input and output are both a terminal. */
    private static boolean isInteractive() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    private static CompletableFuture<Terminal> openInBackground(TerminalFactory terminals) {
        CompletableFuture<Terminal> future = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("terminal").start(() -> {
            try {
                future.complete(terminals.open());
            } catch (IOException | RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private static void closeQuietly(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException e) {
            // leaving anyway
        }
    }

    private static void startLogging(Home home, boolean verbose, PrintWriter err) {
        try {
            Files.createDirectories(home.logFile().getParent());
        } catch (IOException e) {
            throw new StartupException(
                    "cannot create " + home.logFile().getParent() + " (" + e.getMessage() + "). Make " + home.root()
                            + " writable, or choose another folder with --home or ORCHESTRATOR_HOME.");
        }
        if (verbose) {
            err.println("logging debug detail to " + home.logFile());
        }
    }

    private static Terminal systemTerminal() throws IOException {
        // dumb(true): when standard input is a pipe, fall back to a plain line-by-line terminal quietly.
        return TerminalBuilder.builder()
                .name("orchestrator")
                .system(true)
                .dumb(true)
                .build();
    }

    /** Orchestrator cannot start: its home folder or the terminal cannot be used. */
    static final class StartupException extends OrchestratorException {
        StartupException(String message) {
            super(message);
        }

        @Override
        public int exitCode() {
            return 2;
        }
    }
}
