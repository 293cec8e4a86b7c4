package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Agents;
import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.ConfigSnapshot;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.ContractValidator;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.prompt.Prompts;
import dev.orchestrator.store.Database;
import dev.orchestrator.store.ProjectExport;
import dev.orchestrator.store.SqliteAgentLedger;
import dev.orchestrator.store.SqlitePipelineStore;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.store.SqliteWorkTracker;
import dev.orchestrator.workspace.ProjectFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real engine for tests: a real SQLite file, real git in real folders, the scripted agent
 * replaying a script, and the configuration loaded the way the product loads it.
 */
public final class TestEngine implements AutoCloseable {
    public final Path home;
    public final Database database;
    public final ProjectService service;
    public final Engine engine;
    public final OrchestratorConfig config;
    public final List<String> progress = java.util.Collections.synchronizedList(new ArrayList<>());

    private TestEngine(
            Path home,
            Map<String, String> settings,
            Optional<PhaseName> failAt,
            InstantSource clock,
            Optional<dev.orchestrator.agent.Agent> fallback,
            boolean unattended) {
        this.home = home;
        List<ConfigLoader.FlagSetting> flags = new ArrayList<>();
        settings.forEach((key, value) -> flags.add(new ConfigLoader.FlagSetting(key, value, "--set " + key)));
        this.config = ConfigLoader.load(new ConfigLoader.Inputs(home, Optional.empty(), Map.of(), flags, home))
                .config();
        this.database = Database.open(home.resolve("orchestrator.db"), Database.Durability.NORMAL);
        var projects = new SqliteProjectRepository(database, clock);
        this.service =
                new ProjectService(projects, new ProjectFolders(config.workspace()), () -> ConfigSnapshot.json(config));
        Listeners listeners = new Listeners();
        listeners.add(new PipelineListener() {
            @Override
            public void progress(dev.orchestrator.project.ProjectId project, String line) {
                progress.add(line);
            }
        });
        ChildProcesses children = new ChildProcesses();
        var services = new PipelineServices(
                projects,
                new SqlitePipelineStore(database, InstantSource.system()),
                new SqliteWorkTracker(database, InstantSource.system()),
                new SqliteAgentLedger(database, InstantSource.system()),
                Agents.create(config.agent(), children),
                fallback.or(() -> Agents.fallback(config.agent(), children)),
                ContractValidator.load(),
                new Prompts(config.prompts().dir()),
                config,
                children,
                failAt,
                listeners,
                new ActivityBoard(),
                unattended);
        this.engine = new Engine(services, listeners, new ProjectExport(database)::export);
    }

    /** Settings on top of the defaults: the scripted backend replaying {@code script}, the workspace under home. */
    public static TestEngine start(Path home, Path script, Map<String, String> settings, Optional<PhaseName> failAt) {
        return start(home, script, settings, failAt, InstantSource.system());
    }

    /** As above, with the clock projects are created by. */
    public static TestEngine start(
            Path home, Path script, Map<String, String> settings, Optional<PhaseName> failAt, InstantSource clock) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("agent.backend", "scripted");
        all.put("agent.script", script.toString());
        all.put("workspace", home.resolve("workspace").toString());
        all.put("recovery.shutdown_grace_seconds", "2");
        all.putAll(settings);
        return new TestEngine(home, all, failAt, clock, Optional.empty(), false);
    }

    /** As {@link #start}, but as a batch run (generate, --resume, run --milestone): no person is at a prompt. */
    public static TestEngine unattended(Path home, Path script, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("agent.backend", "scripted");
        all.put("agent.script", script.toString());
        all.put("workspace", home.resolve("workspace").toString());
        all.put("recovery.shutdown_grace_seconds", "2");
        all.putAll(settings);
        return new TestEngine(home, all, Optional.empty(), InstantSource.system(), Optional.empty(), true);
    }

    /** As above, with {@code fallback} as the backend used when the scripted one has failed for good. */
    public static TestEngine withFallback(
            Path home, Path script, Map<String, String> settings, dev.orchestrator.agent.Agent fallback) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("agent.backend", "scripted");
        all.put("agent.script", script.toString());
        all.put("workspace", home.resolve("workspace").toString());
        all.put("recovery.shutdown_grace_seconds", "2");
        all.putAll(settings);
        return new TestEngine(home, all, Optional.empty(), InstantSource.system(), Optional.of(fallback), false);
    }

    /** Writes a script file in {@code folder} and returns its path. */
    public static Path script(Path folder, String yaml) {
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve("script.yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        engine.supervisor().stopAll(java.time.Duration.ofSeconds(2), step -> {});
        engine.close();
        database.close();
    }
}
