package dev.orchestrator.app;

import dev.orchestrator.OrchestratorException;
import dev.orchestrator.agent.Agents;
import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.ConfigSnapshot;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.config.StoreConfig;
import dev.orchestrator.contract.ContractValidator;
import dev.orchestrator.logging.LogbackConfigurator;
import dev.orchestrator.milestone.MilestonePlan;
import dev.orchestrator.pipeline.ActivityBoard;
import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.Listeners;
import dev.orchestrator.pipeline.PipelineServices;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.prompt.Prompts;
import dev.orchestrator.repl.Repl;
import dev.orchestrator.repl.Style;
import dev.orchestrator.store.Database;
import dev.orchestrator.store.ProjectExport;
import dev.orchestrator.store.SqliteAgentLedger;
import dev.orchestrator.store.SqlitePipelineStore;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.store.SqliteWorkTracker;
import dev.orchestrator.workspace.ProjectFolders;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Signals;
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

    /** Ends the JVM at once, skipping shutdown hooks and close(); tests replace it. */
    static java.util.function.IntConsumer halt = code -> Runtime.getRuntime().halt(code);

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
            return start(cli, environment, workingDirectory, out, err, terminals);
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
            PrintWriter out,
            PrintWriter err,
            TerminalFactory terminals) {
        Home home = Home.resolve(cli.home(), environment, Path.of(System.getProperty("user.home")), workingDirectory);
        System.setProperty(LogbackConfigurator.FILE_PROPERTY, home.logFile().toString());
        System.setProperty(LogbackConfigurator.LEVEL_PROPERTY, cli.verbose() ? "debug" : "info");
        Preloader.start();
        // The terminal touches no file: open it on the second core while the configuration loads.
        CompletableFuture<Terminal> terminal = cli.mode() instanceof Cli.Mode.Interactive
                ? openInBackground(terminals)
                : CompletableFuture.failedFuture(new IllegalStateException("no terminal in a non-interactive run"));
        // A repository that cannot be planned is refused before anything is touched.
        Optional<MilestonePlan> milestone;
        ConfigLoader.Loaded loaded;
        try {
            milestone = cli.mode() instanceof Cli.Mode.Run run
                    ? Optional.of(prepareMilestone(run, workingDirectory))
                    : Optional.empty();
            List<ConfigLoader.FlagSetting> settings = new ArrayList<>(cli.settings());
            milestone.ifPresent(plan -> settings.addAll(MilestoneRun.settings(plan.config())));
            loaded = ConfigLoader.load(new ConfigLoader.Inputs(
                    home.root(), cli.config().map(workingDirectory::resolve), environment, settings, workingDirectory));
            startLogging(home, cli.verbose(), err);
        } catch (RuntimeException e) {
            terminal.thenAccept(Main::closeQuietly);
            throw e;
        }
        var log = LoggerFactory.getLogger(Main.class);
        log.info("orchestrator {} starting; home {}, config files {}", Version.current(), home.root(), loaded.files());
        loaded.warnings().forEach(warning -> log.warn("{}", warning));

        Optional<PhaseName> failAt = FailAt.parse(
                cli.failAtPhase().or(() -> Optional.ofNullable(environment.get("ORCHESTRATOR_FAIL_AT_PHASE"))));
        OrchestratorConfig config = loaded.config();
        Database.Durability durability = config.store().synchronous() == StoreConfig.Synchronous.FULL
                ? Database.Durability.FULL
                : Database.Durability.NORMAL;
        Prompts prompts = new Prompts(config.prompts().dir());
        List<String> warnings = new ArrayList<>(loaded.warnings());
        warnings.addAll(prompts.validateOverrides());
        ChildProcesses children = new ChildProcesses();
        children.installShutdownHook(Duration.ofSeconds(5));
        try (Database database = Database.open(home.database(), durability)) {
            var projects = new SqliteProjectRepository(database, InstantSource.system());
            var service = new ProjectService(
                    projects, new ProjectFolders(config.workspace()), () -> ConfigSnapshot.json(config));
            Listeners listeners = new Listeners();
            var services = new PipelineServices(
                    projects,
                    new SqlitePipelineStore(database, InstantSource.system()),
                    new SqliteWorkTracker(database, InstantSource.system()),
                    new SqliteAgentLedger(database, InstantSource.system()),
                    Agents.create(config.agent(), children),
                    Agents.fallback(config.agent(), children),
                    ContractValidator.load(),
                    prompts,
                    config,
                    children,
                    failAt,
                    listeners,
                    new ActivityBoard(),
                    // the session waits for the person; a batch run has no one to wait for
                    !(cli.mode() instanceof Cli.Mode.Interactive));
            if (!(cli.mode() instanceof Cli.Mode.Status) && !(cli.mode() instanceof Cli.Mode.Export)) {
                // whether the agent can run (its program, version, login) takes a process: find out
                // now, beside the rest of the start, not when the first project starts or adopts
                Thread.ofVirtual().name("agent-check").start(() -> {
                    services.agent().status();
                    services.fallback().ifPresent(dev.orchestrator.agent.Agent::status);
                });
            }
            var export = new ProjectExport(database);
            try (Engine engine = new Engine(services, listeners, export::export)) {
                return switch (cli.mode()) {
                    case Cli.Mode.Interactive i ->
                        interactive(terminal, engine, service, home, database, warnings, environment, log);
                    case Cli.Mode.Generate g -> {
                        closeLater(terminal);
                        yield new Batch(engine, service, out).generate(g.idea());
                    }
                    case Cli.Mode.IdeaFile f -> {
                        closeLater(terminal);
                        yield new Batch(engine, service, out).generate(readIdea(workingDirectory.resolve(f.file())));
                    }
                    case Cli.Mode.Resume r -> {
                        closeLater(terminal);
                        yield new Batch(engine, service, out).resume(r.project());
                    }
                    case Cli.Mode.Status st -> {
                        closeLater(terminal);
                        yield Reports.status(st.project(), service, engine, out);
                    }
                    case Cli.Mode.Export e -> {
                        closeLater(terminal);
                        yield Reports.export(e.project(), service, engine, out);
                    }
                    case Cli.Mode.Run r -> {
                        closeLater(terminal);
                        yield new MilestoneRun(engine, service, config, width(environment), out)
                                .run(milestone.orElseThrow(), r.issue());
                    }
                };
            }
        }
    }

    private static MilestonePlan prepareMilestone(Cli.Mode.Run run, Path workingDirectory) {
        return MilestonePlan.prepare(
                run.repo().map(workingDirectory::resolve).orElse(workingDirectory),
                run.repoConfig().map(workingDirectory::resolve),
                run.milestone(),
                run.issue());
    }

    static int width(Map<String, String> environment) {
        try {
            return Math.max(40, Integer.parseInt(environment.getOrDefault("COLUMNS", "120")));
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    private static int interactive(
            CompletableFuture<Terminal> terminal,
            Engine engine,
            ProjectService service,
            Home home,
            Database database,
            List<String> warnings,
            Map<String, String> environment,
            org.slf4j.Logger log) {
        try (Terminal session = terminal.join()) {
            Object term = Signals.register("TERM", () -> {
                engine.supervisor()
                        .stopAll(
                                Duration.ofSeconds(
                                        engine.services().config().recovery().shutdownGraceSeconds()),
                                step -> session.writer().println(step));
                session.writer().println("Stopped cleanly on SIGTERM; everything is saved.");
                session.writer().flush();
                Runtime.getRuntime().halt(0);
            });
            try {
                var setup = new Repl.Setup(
                        Version.current(), database.file(), home.logFile(), warnings, !isInteractive(), environment);
                Repl.Exit exit = new Repl(
                                session,
                                service,
                                engine,
                                home.history(),
                                Style.of(session, environment),
                                InstantSource.system(),
                                setup)
                        .run();
                if (exit == Repl.Exit.DETACH) {
                    // Nothing is closed on the way out: the agents go on, their calls stay running
                    // in the store, and the next start adopts them (as after a kill -9, by design).
                    session.writer().flush();
                    log.info("detached; the running agents keep working");
                    LogbackConfigurator.stop();
                    halt.accept(0);
                }
            } finally {
                Signals.unregister("TERM", term);
            }
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

    private static void closeLater(CompletableFuture<Terminal> terminal) {
        terminal.thenAccept(Main::closeQuietly);
    }

    private static String readIdea(Path file) {
        try {
            String idea = Files.readString(file).strip();
            if (idea.isEmpty()) {
                throw new UsageException("the idea file " + file + " is empty; write the idea in it.");
            }
            return idea;
        } catch (IOException e) {
            throw new UsageException("cannot read the idea file " + file + ": " + e.getMessage() + ".");
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
