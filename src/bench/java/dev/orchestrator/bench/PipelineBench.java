package dev.orchestrator.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.Agents;
import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.ConfigSnapshot;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.contract.ContractValidator;
import dev.orchestrator.logging.LogbackConfigurator;
import dev.orchestrator.pipeline.ActivityBoard;
import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.Listeners;
import dev.orchestrator.pipeline.NewSession;
import dev.orchestrator.pipeline.PipelineListener;
import dev.orchestrator.pipeline.PipelineServices;
import dev.orchestrator.pipeline.PipelineStore;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.process.ChildProcesses;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.prompt.Prompts;
import dev.orchestrator.store.Database;
import dev.orchestrator.store.EventCompaction;
import dev.orchestrator.store.ProjectExport;
import dev.orchestrator.store.SqliteAgentLedger;
import dev.orchestrator.store.SqlitePipelineStore;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.store.SqliteWorkTracker;
import dev.orchestrator.work.WorkTracker;
import dev.orchestrator.workspace.ProjectFolders;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import jdk.jfr.consumer.RecordingStream;
import org.sqlite.SQLiteConfig;

/**
 * The durable pipeline under load (issue 3): the real engine (supervisor, pipeline runs, SQLite
 * store with its group-commit writer, real git, the test command as a real process) driven by the
 * scripted agent with autonomy full, deploy off, each project a plan of {@code --items} work items.
 * In order:
 *
 * <ol>
 *   <li>the raw rate of one-row autocommit inserts into a separate SQLite file in the same folder
 *       (WAL; synchronous FULL, then NORMAL): what one durable commit costs on this disk, and what
 *       one git process costs here;
 *   <li>one project with instant answers, in the fresh JVM;
 *   <li>the store alone: N projects' transitions at once through the real store, no git or agents
 *       (what group commit sustains), then one project's transitions back to back;
 *   <li>one project with instant answers again, the store's code now compiled;
 *   <li>N projects at once with {@code --delay-ms} per agent call: wall time against the ideal
 *       (the agent calls on one project's critical path times the latency), transitions per
 *       second, store latency, the writer's batches, peak heap, database size and bytes per
 *       event, and where the CPU went (the JVM, its store-writer thread, child processes, other
 *       processes on this shared machine); with {@code --compact}, the events compacted after.
 * </ol>
 *
 * A transition is one row appended to {@code events}: every state change writes exactly one. Store
 * calls are timed through a decorator around {@link PipelineStore} and {@link WorkTracker}, so the
 * product carries no timing code; the writer's own counters ({@link Database#writeStats}) give its
 * batches. Usage: {@code PipelineBench [--projects N] [--items N] [--delay-ms N] [--sync
 * full|normal] [--dir DIR] [--skip-single] [--skip-raw] [--store-only] [--compact]}.
 */
public final class PipelineBench {
    /** Store calls that only read; every other call of the two interfaces writes. */
    private static final Set<String> READS = Set.of(
            "phases",
            "candidate",
            "output",
            "latestApproval",
            "pendingApprovals",
            "latestItemApproval",
            "clarifications",
            "steps",
            "phaseSteps",
            "orphaned",
            "items",
            "find",
            "next",
            "progress");

    private PipelineBench() {}

    record Options(
            int projects,
            int items,
            int delayMs,
            Database.Durability durability,
            Path dir,
            boolean single,
            boolean raw,
            boolean compact,
            boolean storeOnly) {
        static Options parse(String[] args) throws IOException {
            int projects = 1000;
            int items = 20;
            int delayMs = 20;
            Database.Durability durability = Database.Durability.FULL;
            Path dir = null;
            boolean single = true;
            boolean raw = true;
            boolean compact = false;
            boolean storeOnly = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--projects" -> projects = Integer.parseInt(args[++i]);
                    case "--items" -> items = Integer.parseInt(args[++i]);
                    case "--delay-ms" -> delayMs = Integer.parseInt(args[++i]);
                    case "--sync" -> durability = Database.Durability.valueOf(args[++i].toUpperCase(Locale.ROOT));
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--skip-single" -> single = false;
                    case "--skip-raw" -> raw = false;
                    case "--compact" -> compact = true;
                    case "--store-only" -> storeOnly = true;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
                }
            }
            if (dir == null) {
                dir = Files.createTempDirectory("orchestrator-bench-pipeline");
            }
            Files.createDirectories(dir);
            return new Options(projects, items, delayMs, durability, dir, single, raw, compact, storeOnly);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.setProperty(
                LogbackConfigurator.FILE_PROPERTY,
                options.dir().resolve("orchestrator.log").toString());
        System.out.printf(
                "pipeline benchmark in %s: %d cores, max heap %d MiB, %s, sync=%s%n",
                options.dir(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                Runtime.version(),
                options.durability().name().toLowerCase(Locale.ROOT));
        if (options.raw()) {
            for (Database.Durability durability : Database.Durability.values()) {
                RawCommits.measure(options.dir(), durability);
            }
        }
        if (options.single()) {
            ProcessCost.measure(options.dir().resolve("process-cost"));
            new Run(options, 1, 0, options.dir().resolve("single"))
                    .execute()
                    .print("one project, instant answers, in a fresh JVM");
        }
        if (options.projects() > 0) {
            StoreOnly.run(options, options.projects(), options.dir().resolve("store-only"));
        }
        if (options.single() && options.projects() > 0) {
            StoreOnly.sequential(options, options.dir().resolve("store-sequential"));
        }
        if (options.single()) {
            // The store's code is compiled by now (the store alone ran ~100 transitions per project).
            new Run(options, 1, 0, options.dir().resolve("single"))
                    .execute()
                    .print("one project, instant answers, in a warm JVM");
        }
        if (options.projects() > 0 && !options.storeOnly()) {
            Path home = options.dir().resolve("projects-" + options.projects());
            Result result = new Run(options, options.projects(), options.delayMs(), home).execute();
            result.print(options.projects() + " projects at once, " + options.delayMs() + " ms per agent call");
            if (options.compact()) {
                compact(home.resolve("orchestrator.db"), options.durability());
            }
        }
    }

    // ---- raw commits -----------------------------------------------------------------------------

    /** One-row autocommit inserts into a fresh file: the disk's price of one durable commit. */
    static final class RawCommits {
        private RawCommits() {}

        static double measure(Path dir, Database.Durability durability) throws SQLException, IOException {
            Path file = dir.resolve("raw-" + durability.name().toLowerCase(Locale.ROOT) + ".db");
            deleteDatabase(file);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(
                    durability == Database.Durability.FULL
                            ? SQLiteConfig.SynchronousMode.FULL
                            : SQLiteConfig.SynchronousMode.NORMAL);
            long commits = 0;
            long elapsed;
            try (Connection connection = config.createConnection("jdbc:sqlite:" + file)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, payload TEXT)");
                }
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO t (at, payload) VALUES (?, ?)")) {
                    long start = System.nanoTime();
                    long warmup = start + TimeUnit.MILLISECONDS.toNanos(300);
                    long end = warmup + TimeUnit.SECONDS.toNanos(2);
                    long measuredFrom = 0;
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        if (measuredFrom == 0 && now >= warmup) {
                            measuredFrom = now;
                            commits = 0;
                        }
                        insert.setLong(1, now);
                        insert.setString(2, "{\"phase\":\"implement\",\"item\":\"W" + commits + "\"}");
                        insert.executeUpdate();
                        commits++;
                    }
                    elapsed = System.nanoTime() - measuredFrom;
                }
            }
            deleteDatabase(file);
            double rate = commits / (elapsed / 1e9);
            System.out.printf(
                    "raw one-row commits, WAL, synchronous=%s: %,.0f/s (%.3f ms each)%n",
                    durability.name(), rate, 1e3 / rate);
            return rate;
        }
    }

    // ---- child processes ---------------------------------------------------------------------------

    /** What one git process costs here: {@code git rev-parse HEAD}, started one after another. */
    static final class ProcessCost {
        private ProcessCost() {}

        static void measure(Path repo) throws Exception {
            deleteTree(repo);
            Files.createDirectories(repo);
            dev.orchestrator.workspace.Git.at(repo).ensureRepository();
            int runs = 200;
            var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long jvm = os.getProcessCpuTime();
            long child = Watch.childCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                Process process = new ProcessBuilder("git", "rev-parse", "HEAD")
                        .directory(repo.toFile())
                        .redirectErrorStream(true)
                        .start();
                process.getInputStream().readAllBytes();
                process.waitFor();
            }
            long wall = System.nanoTime() - start;
            System.out.printf(
                    "one git process (rev-parse HEAD, one at a time): %.2f ms wall, %.2f ms CPU in the JVM"
                            + " (starting it), %.2f ms CPU in the process%n",
                    wall / 1e6 / runs,
                    (os.getProcessCpuTime() - jvm) / 1e6 / runs,
                    (Watch.childCpuNanos() - child) / 1e6 / runs);
            deleteTree(repo);
        }
    }

    // ---- the store alone ----------------------------------------------------------------------------

    /**
     * The store without git, prompts or agents: one virtual thread per project makes the pipeline's
     * transitions for a plan of work items (claim, start and end of the developer's and the
     * reviewer's calls with their outputs, done) back to back. What group commit sustains.
     */
    static final class StoreOnly {
        private StoreOnly() {}

        static void run(Options options, int projects, Path home) throws Exception {
            deleteTree(home);
            Files.createDirectories(home);
            Path file = home.resolve("orchestrator.db");
            int capacity = projects * (12 * options.items() + 200);
            Latencies writes = new Latencies(capacity);
            Latencies reads = new Latencies(capacity);
            long events;
            double wall;
            Cpu cpu;
            Database.WriteStats writer;
            try (Database database = Database.open(file, options.durability())) {
                var repository = new SqliteProjectRepository(database, InstantSource.system());
                var service = new ProjectService(repository, new ProjectFolders(home.resolve("workspace")), () -> "{}");
                PipelineStore store = timed(
                        PipelineStore.class, new SqlitePipelineStore(database, InstantSource.system()), writes, reads);
                WorkTracker work = timed(
                        WorkTracker.class, new SqliteWorkTracker(database, InstantSource.system()), writes, reads);
                List<ProjectId> ids = new ArrayList<>();
                for (int i = 1; i <= projects; i++) {
                    ids.add(service.create("idea " + i, "store-" + i).id());
                }
                long before = count(database, "events");
                writes.reset();
                reads.reset();
                long jvmCpu = Watch.OS.getProcessCpuTime();
                long writerCpu = Watch.writerCpuNanos();
                long[] machineCpu = machineCpuNanos();
                Database.WriteStats writerBefore = database.writeStats();
                long start = System.nanoTime();
                try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                    for (ProjectId id : ids) {
                        futures.add(threads.submit(() -> {
                            transitions(store, work, id, options.items());
                            return null;
                        }));
                    }
                    for (var future : futures) {
                        future.get();
                    }
                }
                wall = (System.nanoTime() - start) / 1e9;
                writer = minus(database.writeStats(), writerBefore);
                long[] machineCpuEnd = machineCpuNanos();
                cpu = new Cpu(
                        (Watch.OS.getProcessCpuTime() - jvmCpu) / 1e9,
                        (Watch.writerCpuNanos() - writerCpu) / 1e9,
                        0,
                        (machineCpuEnd[0] - machineCpu[0]) / 1e9,
                        (machineCpuEnd[1] - machineCpu[1]) / 1e9);
                events = count(database, "events") - before;
            }
            var w = writes.summary();
            System.out.printf(
                    "%n== the store alone, %d projects at once (no git, no agents)%n"
                            + "%,d transitions in %.2f s: %,.0f durable transitions/s; write latency p50 %.3f ms,"
                            + " p99 %.3f ms; CPU %.1f s (store-writer thread %.1f s = %.3f ms per transition);"
                            + " other processes on the machine %.1f s%n",
                    projects,
                    events,
                    wall,
                    events / wall,
                    w.p50Millis(),
                    w.p99Millis(),
                    cpu.jvmSeconds(),
                    cpu.writerSeconds(),
                    1e3 * cpu.writerSeconds() / events,
                    cpu.othersSeconds());
            System.out.println(groupCommit(writer, wall));
        }

        /**
         * One project's transitions back to back on one thread, nothing in between: the store's
         * latency per transition when each is its own commit and the writer's code is hot.
         */
        static void sequential(Options options, Path home) throws Exception {
            deleteTree(home);
            Files.createDirectories(home);
            int projects = 20;
            Latencies writes = new Latencies(projects * (12 * options.items() + 200));
            Latencies reads = new Latencies(projects * (12 * options.items() + 200));
            try (Database database = Database.open(home.resolve("orchestrator.db"), options.durability())) {
                var repository = new SqliteProjectRepository(database, InstantSource.system());
                var service = new ProjectService(repository, new ProjectFolders(home.resolve("workspace")), () -> "{}");
                PipelineStore store = timed(
                        PipelineStore.class, new SqlitePipelineStore(database, InstantSource.system()), writes, reads);
                WorkTracker work = timed(
                        WorkTracker.class, new SqliteWorkTracker(database, InstantSource.system()), writes, reads);
                for (int i = 1; i <= projects; i++) {
                    ProjectId id =
                            service.create("idea " + i, "sequential-" + i).id();
                    if (i == projects / 2) {
                        writes.reset();
                    }
                    transitions(store, work, id, options.items());
                }
            }
            var w = writes.summary();
            System.out.printf(
                    "store alone, one project at a time, transitions back to back: write latency p50 %.3f ms,"
                            + " p99 %.3f ms over %,d writes%n",
                    w.p50Millis(), w.p99Millis(), w.count());
        }

        private static void transitions(PipelineStore store, WorkTracker work, ProjectId id, int items) {
            store.claim(id, "bench:1:store", Duration.ofMinutes(5), owner -> true);
            String sha = "0123456789abcdef0123456789abcdef01234567";
            String output = "{\"contract\":\"dev_result.v1\",\"status\":\"done\",\"summary\":\"Wrote"
                    + " scripted/W1.txt.\",\"files\":[\"scripted/W1.txt\"],\"blocker\":null}";
            store.phaseStarted(id, dev.orchestrator.config.PhaseName.IMPLEMENT, sha, false);
            List<dev.orchestrator.work.NewWorkItem> plan = IntStream.rangeClosed(1, items)
                    .mapToObj(n -> new dev.orchestrator.work.NewWorkItem(
                            "W" + n, "Bench item " + n, "Item " + n, List.of("it works"), List.of(), 2))
                    .toList();
            work.create(id, plan);
            while (true) {
                var next = work.ready(id).stream().findFirst();
                if (next.isEmpty()) {
                    break;
                }
                var item = work.claim(next.get().id(), sha);
                for (var role : List.of(dev.orchestrator.agent.Role.DEVELOPER, dev.orchestrator.agent.Role.REVIEWER)) {
                    long session = store.sessionStarted(NewSession.of(
                            id,
                            dev.orchestrator.config.PhaseName.IMPLEMENT,
                            Optional.of(item.id()),
                            role,
                            "scripted",
                            item.attempts(),
                            0,
                            Optional.of(dev.orchestrator.contract.Contract.DEV_RESULT)));
                    store.sessionEnded(
                            session,
                            new dev.orchestrator.pipeline.SessionEnd(
                                    dev.orchestrator.pipeline.SessionEnd.Status.COMPLETED,
                                    Optional.of("scripted-1"),
                                    dev.orchestrator.agent.Usage.NONE,
                                    Optional.of(output),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.of(sha),
                                    Optional.of("scripted reply")),
                            Optional.empty());
                }
                work.complete(item.id(), sha, 0);
            }
            store.phaseCompleted(id, dev.orchestrator.config.PhaseName.IMPLEMENT, Map.of("items", items));
            store.projectCompleted(id);
        }
    }

    // ---- one run of the engine --------------------------------------------------------------------

    /** What one run measured. */
    record Result(
            int projects,
            int delayMs,
            int itemsPerProject,
            RunOutcomes outcomes,
            double startSeconds,
            double wallSeconds,
            long events,
            long agentCalls,
            Latencies.Summary writes,
            Latencies.Summary reads,
            Latencies.Summary agent,
            long peakHeapUsed,
            long peakHeapAfterGc,
            long peakHeapLive,
            long majorGcs,
            long databaseBytes,
            long eventsBytes,
            Map<String, Long> eventTypes,
            Cpu cpu,
            Map<String, Long> processes,
            long pinned,
            Database.WriteStats writer) {

        /** Collects a run's figures as they become known. */
        static final class Builder {
            double startSeconds;
            double wallSeconds;
            long events;
            long agentCalls;
            long peakHeapUsed;
            long peakHeapAfterGc;
            long peakHeapLive;
            long majorGcs;
            long databaseBytes;
            long eventsBytes;
            Map<String, Long> eventTypes = Map.of();
            Cpu cpu = new Cpu(0, 0, 0, 0, 0);
            Map<String, Long> processes = Map.of();
            long pinned;
            Database.WriteStats writer = new Database.WriteStats(0, 0, Duration.ZERO, Duration.ZERO);

            Result build(
                    int projects,
                    int delayMs,
                    int items,
                    RunOutcomes outcomes,
                    Latencies.Summary writes,
                    Latencies.Summary reads,
                    Latencies.Summary agent) {
                return new Result(
                        projects,
                        delayMs,
                        items,
                        outcomes,
                        startSeconds,
                        wallSeconds,
                        events,
                        agentCalls,
                        writes,
                        reads,
                        agent,
                        peakHeapUsed,
                        peakHeapAfterGc,
                        peakHeapLive,
                        majorGcs,
                        databaseBytes,
                        eventsBytes,
                        eventTypes,
                        cpu,
                        processes,
                        pinned,
                        writer);
            }
        }

        long callsPerProject() {
            return agentCalls / projects;
        }

        double idealSeconds() {
            return callsPerProject() * delayMs / 1e3;
        }

        void print(String title) {
            System.out.println();
            System.out.println("== " + title);
            System.out.printf(
                    "outcomes: %s; %d items each; %d agent calls per project (critical path)%n",
                    outcomes, itemsPerProject, callsPerProject());
            System.out.printf(
                    "wall %.2f s (of which starting them all %.2f s)%s%n",
                    wallSeconds,
                    startSeconds,
                    delayMs > 0
                            ? String.format(
                                    " vs ideal %.2f s (%d calls x %d ms): %.2fx",
                                    idealSeconds(), callsPerProject(), delayMs, wallSeconds / idealSeconds())
                            : "");
            System.out.printf(
                    "transitions (events): %,d = %d per project; %,.0f transitions/s%n",
                    events, events / projects, events / wallSeconds);
            System.out.printf(
                    "store writes: %,d calls, latency p50 %.3f ms, p99 %.3f ms, max %.1f ms; total %.2f s%n",
                    writes.count(), writes.p50Millis(), writes.p99Millis(), writes.maxMillis(), writes.totalSeconds());
            System.out.println(groupCommit(writer, wallSeconds));
            System.out.printf(
                    "store reads:  %,d calls, latency p50 %.3f ms, p99 %.3f ms, max %.1f ms; total %.2f s%n",
                    reads.count(), reads.p50Millis(), reads.p99Millis(), reads.maxMillis(), reads.totalSeconds());
            System.out.printf(
                    "agent calls:  %,d calls, p50 %.3f ms, p99 %.3f ms; total %.2f s%n",
                    agent.count(), agent.p50Millis(), agent.p99Millis(), agent.totalSeconds());
            if (projects == 1) {
                double rest = wallSeconds - writes.totalSeconds() - reads.totalSeconds() - agent.totalSeconds();
                System.out.printf(
                        "one project's wall time: store writes %.0f%%, store reads %.0f%%, agent %.0f%%, the rest"
                                + " (git and test processes, prompts, validation) %.0f%% = %.3f ms per transition%n",
                        100 * writes.totalSeconds() / wallSeconds,
                        100 * reads.totalSeconds() / wallSeconds,
                        100 * agent.totalSeconds() / wallSeconds,
                        100 * rest / wallSeconds,
                        1e3 * rest / events);
            }
            System.out.printf(
                    "overhead per transition: %.3f ms of wall time beyond the ideal%n",
                    1e3 * (wallSeconds - idealSeconds()) / (events / (double) projects));
            System.out.printf(
                    "heap: peak used %d MiB (sampled), peak after any GC %d MiB, peak live after a full GC %s%n",
                    peakHeapUsed >> 20,
                    peakHeapAfterGc >> 20,
                    majorGcs == 0 ? "(no full GC)" : (peakHeapLive >> 20) + " MiB (" + majorGcs + " full GCs)");
            System.out.printf(
                    "database: %,d bytes = %,.0f bytes per event (whole file); events table and index %,d bytes ="
                            + " %,.0f bytes per event%n",
                    databaseBytes, databaseBytes / (double) events, eventsBytes, eventsBytes / (double) events);
            System.out.printf("event types: %s%n", eventTypes);
            System.out.printf(
                    "CPU: %.1f s of %.1f s available (%d cores x wall): JVM %.1f s (store-writer thread %.1f s),"
                            + " child processes %.1f s; other processes on the machine %.1f s, stolen by the"
                            + " hypervisor %.1f s%n",
                    cpu.jvmSeconds() + cpu.childSeconds(),
                    wallSeconds * Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors(),
                    cpu.jvmSeconds(),
                    cpu.writerSeconds(),
                    cpu.childSeconds(),
                    cpu.othersSeconds(),
                    cpu.stealSeconds());
            long total = processes.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(
                    "child processes: %,d = %d per project, %.1f per transition: %s%n",
                    total, total / projects, total / (double) events, processes);
            System.out.printf("virtual threads pinned over 1 ms: %,d%n", pinned);
        }
    }

    /** How the runs ended, by outcome. */
    record RunOutcomes(Map<RunOutcome, Long> counts) {
        @Override
        public String toString() {
            return counts.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
    }

    /**
     * CPU seconds spent during a run: by this JVM, its store-writer thread, the child processes it
     * reaped, and by the whole machine (this machine is shared: other processes count too).
     */
    record Cpu(
            double jvmSeconds, double writerSeconds, double childSeconds, double machineSeconds, double stealSeconds) {
        double othersSeconds() {
            return Math.max(0, machineSeconds - jvmSeconds - childSeconds);
        }
    }

    /** Busy and stolen CPU of the whole machine so far, in nanoseconds, from /proc/stat. */
    static long[] machineCpuNanos() {
        try {
            String[] f =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal
            long busy = Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            return new long[] {busy * 10_000_000L, Long.parseLong(f[8]) * 10_000_000L};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** One engine over a fresh home: projects created first, then all started at once and awaited. */
    static final class Run {
        private final Options options;
        private final int projects;
        private final int delayMs;
        private final Path home;

        Run(Options options, int projects, int delayMs, Path home) {
            this.options = options;
            this.projects = projects;
            this.delayMs = delayMs;
            this.home = home;
        }

        Result execute() throws Exception {
            deleteTree(home);
            Files.createDirectories(home);
            Path script = writeScript(home, options.items(), delayMs);
            OrchestratorConfig config = config(script);
            Path databaseFile = home.resolve("orchestrator.db");
            int capacity = projects * (12 * options.items() + 200);
            Latencies writes = new Latencies(capacity);
            Latencies reads = new Latencies(capacity);
            Latencies agentCalls = new Latencies(projects * (3 * options.items() + 20));
            Map<RunOutcome, LongAdder> outcomes = new ConcurrentHashMap<>();
            long eventsBefore;
            Result.Builder measured = new Result.Builder();
            try (Database database = Database.open(databaseFile, options.durability())) {
                var repository = new SqliteProjectRepository(database, InstantSource.system());
                var service = new ProjectService(
                        repository, new ProjectFolders(config.workspace()), () -> ConfigSnapshot.json(config));
                var services = services(
                        database,
                        config,
                        repository,
                        store -> timed(PipelineStore.class, store, writes, reads),
                        tracker -> timed(WorkTracker.class, tracker, writes, reads),
                        agent -> timedAgent(agent, agentCalls),
                        PipelineListener.NONE);
                List<ProjectId> ids = seed(service, projects);
                eventsBefore = count(database, "events");
                writes.reset();
                reads.reset();
                try (Engine engine = new Engine(services, new Listeners(), new ProjectExport(database)::export);
                        Watch watch = Watch.start()) {
                    Database.WriteStats writerBefore = database.writeStats();
                    long start = System.nanoTime();
                    List<CompletableFuture<RunOutcome>> done = new ArrayList<>();
                    for (ProjectId id : ids) {
                        Supervisor.Start started = engine.supervisor().start(id);
                        if (!(started instanceof Supervisor.Start.Started s)) {
                            throw new IllegalStateException("project " + id + " did not start: " + started);
                        }
                        done.add(s.done()
                                .whenComplete((outcome, failure) -> outcomes.computeIfAbsent(
                                                outcome == null ? RunOutcome.FAILED : outcome, o -> new LongAdder())
                                        .increment()));
                    }
                    long started = System.nanoTime();
                    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
                            .get(1, TimeUnit.HOURS);
                    long end = System.nanoTime();
                    measured.writer = minus(database.writeStats(), writerBefore);
                    watch.stop(measured);
                    measured.startSeconds = (started - start) / 1e9;
                    measured.wallSeconds = (end - start) / 1e9;
                }
                measured.events = count(database, "events") - eventsBefore;
                measured.agentCalls = count(database, "agent_sessions");
                measured.eventTypes = eventTypes(database);
            }
            measured.databaseBytes = Files.size(databaseFile);
            measured.eventsBytes = eventsBytes(databaseFile);
            return measured.build(
                    projects,
                    delayMs,
                    options.items(),
                    new RunOutcomes(outcomes.entrySet().stream()
                            .collect(Collectors.toMap(
                                    Map.Entry::getKey, e -> e.getValue().sum()))),
                    writes.summary(),
                    reads.summary(),
                    agentCalls.summary());
        }

        private OrchestratorConfig config(Path script) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("agent.backend", "scripted");
            settings.put("agent.script", script.toString());
            settings.put("workspace", home.resolve("workspace").toString());
            settings.put("autonomy", "full");
            settings.put("phases.deploy.enabled", "false");
            settings.put("store.synchronous", options.durability().name().toLowerCase(Locale.ROOT));
            List<ConfigLoader.FlagSetting> flags = new ArrayList<>();
            settings.forEach((key, value) -> flags.add(new ConfigLoader.FlagSetting(key, value, "--set " + key)));
            return ConfigLoader.load(new ConfigLoader.Inputs(home, Optional.empty(), Map.of(), flags, home))
                    .config();
        }

        private static List<ProjectId> seed(ProjectService service, int projects) {
            long start = System.nanoTime();
            List<ProjectId> ids = new ArrayList<>(projects);
            for (int i = 1; i <= projects; i++) {
                Project project = service.create("a tool that renames photos by date, number " + i, "bench-" + i);
                ids.add(project.id());
            }
            if (projects > 1) {
                System.out.printf(
                        "%nseeded %,d projects in %.1f s (not part of the measurement)%n",
                        projects, (System.nanoTime() - start) / 1e9);
            }
            return ids;
        }
    }

    /**
     * The scripted agent's script: every call waits {@code delayMs}; the planner answers with a
     * chain of {@code items} work items (W2 after W1, ...); every other call gets the built-in
     * answer, whose architecture's test command is {@code true}.
     */
    static Path writeScript(Path home, int items, int delayMs) throws IOException {
        String plan = IntStream.rangeClosed(1, items)
                .mapToObj(n -> "{key: W" + n + ", title: \"Bench item " + n + "\", description: \"Item " + n
                        + " of the benchmark's plan.\", acceptance: [\"scripted/W" + n + ".txt exists\"], depends_on: ["
                        + (n == 1 ? "" : "W" + (n - 1)) + "], priority: 2}")
                .collect(Collectors.joining(",\n        ", "[\n        ", "]"));
        String yaml = "delay_ms: " + delayMs + "\n"
                + "responses:\n"
                + "  - contract: work_plan.v1\n"
                + "    json: {contract: work_plan.v1, items: " + plan + "}\n";
        Path file = home.resolve("script.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    static Database.WriteStats minus(Database.WriteStats after, Database.WriteStats before) {
        return new Database.WriteStats(
                after.transactions() - before.transactions(),
                after.changes() - before.changes(),
                after.working().minus(before.working()),
                after.committing().minus(before.committing()));
    }

    /** One line on the writer: how many changes shared each commit, and where its time went. */
    static String groupCommit(Database.WriteStats writer, double wallSeconds) {
        long n = Math.max(1, writer.transactions());
        double working = writer.working().toNanos() / 1e9;
        double committing = writer.committing().toNanos() / 1e9;
        return String.format(
                "group commit: %,d transactions of %.1f changes on average; each %.2f ms running its changes"
                        + " + %.2f ms in COMMIT (sync); writer busy %.0f%% of the wall time (%.0f%% in COMMIT)",
                writer.transactions(),
                writer.changes() / (double) n,
                1e3 * working / n,
                1e3 * committing / n,
                100 * (working + committing) / wallSeconds,
                100 * committing / wallSeconds);
    }

    // ---- timing decorators ------------------------------------------------------------------------

    /** Times every call of a store interface: those named in {@link #READS} as reads, the rest as writes. */
    static <T> T timed(Class<T> type, T target, Latencies writes, Latencies reads) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            long start = System.nanoTime();
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                (READS.contains(method.getName()) ? reads : writes).record(System.nanoTime() - start);
            }
        }));
    }

    /** Times the agent's {@code run}, which includes the scripted delay and the files it writes. */
    static Agent timedAgent(Agent target, Latencies calls) {
        return (Agent) Proxy.newProxyInstance(
                Agent.class.getClassLoader(), new Class<?>[] {Agent.class}, (proxy, method, args) -> {
                    long start = System.nanoTime();
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (method.getName().equals("run")) {
                            calls.record(System.nanoTime() - start);
                        }
                    }
                });
    }

    /** Durations recorded from many threads into a fixed array; sorted once at the end. */
    static final class Latencies {
        private final long[] nanos;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicLong dropped = new AtomicLong();

        Latencies(int capacity) {
            this.nanos = new long[capacity];
        }

        void record(long duration) {
            int i = count.getAndIncrement();
            if (i < nanos.length) {
                nanos[i] = duration;
            } else {
                dropped.incrementAndGet();
            }
        }

        void reset() {
            count.set(0);
            dropped.set(0);
        }

        Summary summary() {
            int n = Math.min(count.get(), nanos.length);
            if (dropped.get() > 0) {
                System.out.printf("(%,d samples beyond the recorder's capacity were not kept)%n", dropped.get());
            }
            long[] sorted = Arrays.copyOf(nanos, n);
            Arrays.sort(sorted);
            long total = Arrays.stream(sorted).sum();
            return new Summary(
                    n, percentile(sorted, 0.50), percentile(sorted, 0.99), n == 0 ? 0 : sorted[n - 1], total);
        }

        private static long percentile(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
        }

        record Summary(long count, long p50, long p99, long max, long total) {
            double p50Millis() {
                return p50 / 1e6;
            }

            double p99Millis() {
                return p99 / 1e6;
            }

            double maxMillis() {
                return max / 1e6;
            }

            double totalSeconds() {
                return total / 1e9;
            }
        }
    }

    // ---- resources: heap, CPU, processes ----------------------------------------------------------

    /**
     * Watches a run: heap sampled every 10 ms and after each GC, CPU of the JVM, of its
     * store-writer thread and of reaped child processes, and child processes started (JFR).
     */
    static final class Watch implements AutoCloseable {
        static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        private final AtomicLong peakUsed = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();
        private final AtomicLong peakAfterMajorGc = new AtomicLong();
        private final AtomicLong majorGcs = new AtomicLong();
        private final Thread sampler;
        private final RecordingStream jfr = new RecordingStream();
        private final Map<String, LongAdder> processes = new ConcurrentHashMap<>();
        private final LongAdder pinned = new LongAdder();
        private final List<Runnable> unsubscribe = new ArrayList<>();
        private final long jvmCpuStart = OS.getProcessCpuTime();
        private final long childCpuStart = childCpuNanos();
        private final long writerCpuStart = writerCpuNanos();
        private final long[] machineCpuStart = machineCpuNanos();
        private volatile boolean running = true;
        private boolean stopped;

        private Watch() {
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            sampler = Thread.ofPlatform().daemon().name("bench-heap-sampler").start(() -> {
                while (running) {
                    peakUsed.accumulateAndGet(
                            ManagementFactory.getMemoryMXBean()
                                    .getHeapMemoryUsage()
                                    .getUsed(),
                            Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            NotificationListener listener = (notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> isHeap(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed())
                            .sum();
                    peakAfterGc.accumulateAndGet(after, Math::max);
                    if (info.getGcAction().contains("major")) {
                        // After a full collection the heap holds only what is live.
                        peakAfterMajorGc.accumulateAndGet(after, Math::max);
                        majorGcs.incrementAndGet();
                    }
                }
            };
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                NotificationEmitter emitter = (NotificationEmitter) gc;
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
            jfr.enable("jdk.ProcessStart");
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(1));
            jfr.onEvent(
                    "jdk.ProcessStart",
                    event -> processes
                            .computeIfAbsent(processName(event.getString("command")), k -> new LongAdder())
                            .increment());
            jfr.onEvent("jdk.VirtualThreadPinned", event -> pinned.increment());
            jfr.startAsync();
        }

        static Watch start() {
            return new Watch();
        }

        private static boolean isHeap(String pool) {
            return ManagementFactory.getMemoryPoolMXBeans().stream()
                    .anyMatch(p -> p.getName().equals(pool) && p.getType() == MemoryType.HEAP);
        }

        /** {@code git add}, {@code git commit-tree}, {@code /bin/sh}: the program and, for git, its subcommand. */
        static String processName(String command) {
            String[] words = command.split(" ");
            if (!words[0].endsWith("git")) {
                return words[0];
            }
            int i = 1;
            while (i < words.length && words[i].equals("-c")) {
                i += 2;
            }
            return "git " + (i < words.length ? words[i] : "");
        }

        void stop(Result.Builder into) {
            running = false;
            sampler.interrupt();
            stopped = true;
            long[] machine = machineCpuNanos();
            into.cpu = new Cpu(
                    (OS.getProcessCpuTime() - jvmCpuStart) / 1e9,
                    (writerCpuNanos() - writerCpuStart) / 1e9,
                    (childCpuNanos() - childCpuStart) / 1e9,
                    (machine[0] - machineCpuStart[0]) / 1e9,
                    (machine[1] - machineCpuStart[1]) / 1e9);
            long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP)
                    .map(MemoryPoolMXBean::getPeakUsage)
                    .mapToLong(MemoryUsage::getUsed)
                    .sum();
            into.peakHeapUsed = Math.max(peakUsed.get(), 0);
            into.peakHeapAfterGc = peakAfterGc.get();
            into.peakHeapLive = peakAfterMajorGc.get();
            into.majorGcs = majorGcs.get();
            System.out.printf("(sum of the heap pools' own peaks: %d MiB)%n", poolPeaks >> 20);
            jfr.stop();
            into.processes = processes.entrySet().stream()
                    .sorted(Map.Entry.<String, LongAdder>comparingByValue(Comparator.comparingLong(LongAdder::sum))
                            .reversed())
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().sum(), (a, b) -> a, LinkedHashMap::new));
            into.pinned = pinned.sum();
        }

        @Override
        public void close() {
            if (!stopped) {
                running = false;
                sampler.interrupt();
            }
            jfr.close();
            unsubscribe.forEach(Runnable::run);
        }

        /** CPU of child processes the JVM has reaped (cutime + cstime of /proc/self/stat). */
        static long childCpuNanos() {
            try {
                String stat = Files.readString(Path.of("/proc/self/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                return ticks * 10_000_000L; // USER_HZ is 100 on Linux
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        static long writerCpuNanos() {
            var threads = ManagementFactory.getThreadMXBean();
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("store-writer"))
                    .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.threadId())))
                    .sum();
        }
    }

    // ---- the database afterwards ------------------------------------------------------------------

    private static long count(Database database, String table) {
        return database.read(dsl -> dsl.fetchCount(org.jooq.impl.DSL.table(org.jooq.impl.DSL.name(table))));
    }

    private static Map<String, Long> eventTypes(Database database) {
        Map<String, Long> types = new LinkedHashMap<>();
        database.read(dsl -> dsl.fetch("SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC"))
                .forEach(r -> types.put(r.get(0, String.class), r.get(1, Long.class)));
        return types;
    }

    /** Pages of the events table and its index (dbstat), or the payload bytes when dbstat is missing. */
    static long eventsBytes(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT sum(pgsize) FROM dbstat WHERE name IN ('events', 'events_project')")) {
                return rs.next() ? rs.getLong(1) : 0;
            } catch (SQLException noDbstat) {
                try (ResultSet rs =
                        statement.executeQuery("SELECT sum(length(payload) + length(type) + 24) FROM events")) {
                    return rs.next() ? rs.getLong(1) : 0;
                }
            }
        }
    }

    /** Compacts the events of the finished projects and reports the file before and after. */
    private static void compact(Path file, Database.Durability durability) throws SQLException, IOException {
        long before = Files.size(file);
        long eventsBefore = eventsBytes(file);
        EventCompaction.Result result;
        try (Database database = Database.open(file, durability)) {
            result = new EventCompaction(database).compact(Instant.now().plusSeconds(1));
        }
        long reusable = Files.size(file);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("VACUUM");
        }
        System.out.printf(
                "%ncompaction of finished projects' events: %,d of %,d events removed; events table and index"
                        + " %,d -> %,d bytes; file %,d bytes (%,d with the freed pages kept for reuse) -> %,d after"
                        + " VACUUM%n",
                result.removed(),
                result.removed() + result.kept(),
                eventsBefore,
                eventsBytes(file),
                before,
                reusable,
                Files.size(file));
    }

    // ---- files ------------------------------------------------------------------------------------

    private static void deleteDatabase(Path file) throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The engine's services over {@code database}, with the store, tracker and agent wrapped for measuring. */
    static PipelineServices services(
            Database database,
            OrchestratorConfig config,
            SqliteProjectRepository repository,
            java.util.function.UnaryOperator<PipelineStore> store,
            java.util.function.UnaryOperator<WorkTracker> tracker,
            java.util.function.UnaryOperator<Agent> agent,
            PipelineListener listener) {
        return new PipelineServices(
                repository,
                store.apply(new SqlitePipelineStore(database, InstantSource.system())),
                tracker.apply(new SqliteWorkTracker(database, InstantSource.system())),
                new SqliteAgentLedger(database, InstantSource.system()),
                agent.apply(Agents.create(config.agent(), new ChildProcesses())),
                Optional.empty(),
                ContractValidator.load(),
                new Prompts(config.prompts().dir()),
                config,
                new ChildProcesses(),
                Optional.empty(),
                listener,
                new ActivityBoard(),
                false);
    }
}
