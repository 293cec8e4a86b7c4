package dev.orchestrator.bench;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.config.ConfigLoader;
import dev.orchestrator.config.ConfigSnapshot;
import dev.orchestrator.config.OrchestratorConfig;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.logging.LogbackConfigurator;
import dev.orchestrator.pipeline.Engine;
import dev.orchestrator.pipeline.Listeners;
import dev.orchestrator.pipeline.PipelineListener;
import dev.orchestrator.pipeline.PipelineStore;
import dev.orchestrator.pipeline.RunOutcome;
import dev.orchestrator.pipeline.Supervisor;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.store.Database;
import dev.orchestrator.store.ProjectExport;
import dev.orchestrator.store.SqliteProjectRepository;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.work.WorkTracker;
import dev.orchestrator.workspace.ProjectFolders;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordingStream;

/**
 * Parallel implement (issue 5): one project through the real engine (supervisor, pipeline run,
 * SQLite store, real git worktrees, branches and merges, the scripted agent), autonomy full, deploy
 * off, whose plan is {@code --items} work items in levels of {@code --width} (see {@link Graph}).
 * Only the implement phase is measured: from the return of its durable {@code phase_started} to the
 * return of its {@code phase_completed}. The planning phases answer at once; every implement call
 * (developer, reviewer: two per item, every review passes) takes {@code --delay-ms}.
 *
 * <p>For each delay and each {@code max_parallel} P it runs {@code --runs} fresh projects (after one
 * unreported warm-up run) and compares the wall time with the ideal: the best schedule's makespan
 * for P machines with every item taking exactly two calls and nothing else taking time, computed
 * exhaustively ({@link Graph#optimalRounds}). Each run's items are timed through decorators around
 * {@link PipelineStore}, {@link WorkTracker} and the {@link Agent}, and the progress lines, so the
 * product carries no timing code; git processes are counted per item from JFR's {@code
 * jdk.ProcessStart}. Usage: {@code ParallelBench [--items 20] [--width 4] [--delay-ms 500,1000,2000]
 * [--parallel 3,4] [--runs 3] [--sync full|normal] [--dir DIR]}.
 */
public final class ParallelBench {
    private static final Pattern ENDED = Pattern.compile("^\\[implement] (\\S+) review: pass.*merged into main");

    private ParallelBench() {}

    record Options(
            int items,
            int width,
            List<Integer> delays,
            List<Integer> parallel,
            int runs,
            Database.Durability durability,
            Path dir) {
        Options {
            if (items % width != 0 || items > 63) {
                throw new IllegalArgumentException(
                        "--items must be a multiple of --width and at most 63, not " + items + " and " + width);
            }
        }

        static Options parse(String[] args) throws IOException {
            int items = 20;
            int width = 4;
            List<Integer> delays = List.of(500, 1000, 2000);
            List<Integer> parallel = List.of(3, 4);
            int runs = 3;
            Database.Durability durability = Database.Durability.FULL;
            Path dir = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--items" -> items = Integer.parseInt(args[++i]);
                    case "--width" -> width = Integer.parseInt(args[++i]);
                    case "--delay-ms" -> delays = ints(args[++i]);
                    case "--parallel" -> parallel = ints(args[++i]);
                    case "--runs" -> runs = Integer.parseInt(args[++i]);
                    case "--sync" -> durability = Database.Durability.valueOf(args[++i].toUpperCase(Locale.ROOT));
                    case "--dir" -> dir = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc");
                }
            }
            if (dir == null) {
                dir = Files.createTempDirectory("orchestrator-bench-parallel");
            }
            Files.createDirectories(dir);
            return new Options(items, width, delays, parallel, runs, durability, dir);
        }

        private static List<Integer> ints(String list) {
            return Arrays.stream(list.split(",")).map(Integer::parseInt).toList();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.setProperty(
                LogbackConfigurator.FILE_PROPERTY,
                options.dir().resolve("orchestrator.log").toString());
        Graph graph = new Graph(options.width(), options.items() / options.width());
        System.out.printf(
                "parallel implement benchmark in %s: %d cores, %s, sync=%s, load average %s%n",
                options.dir(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                options.durability().name().toLowerCase(Locale.ROOT),
                loadAverage());
        System.out.println(graph.describe());
        for (int p : options.parallel()) {
            System.out.printf(
                    "max_parallel %d: best schedule %d rounds of two calls (exhaustive), the engine's order (priority,"
                            + " then key) %d rounds, level by level %d rounds%n",
                    p, graph.optimalRounds(p), graph.greedyRounds(p), graph.levels() * ceilDiv(graph.width(), p));
        }
        PipelineBench.ProcessCost.measure(options.dir().resolve("process-cost"));
        new Run(options, graph, options.parallel().getLast(), 0, options.dir().resolve("warm-up"))
                .execute()
                .print("warm-up (not counted)");
        List<Measured> all = new ArrayList<>();
        for (int delay : options.delays()) {
            for (int p : options.parallel()) {
                for (int r = 1; r <= options.runs(); r++) {
                    Path home = options.dir().resolve("p" + p + "-d" + delay + "-r" + r);
                    Measured m = new Run(options, graph, p, delay, home).execute();
                    m.print("P=" + p + " delay=" + delay + " ms run " + r);
                    all.add(m);
                    PipelineBench.deleteTree(home);
                }
            }
        }
        summary(all);
    }

    // ---- the plan's graph and its ideal -------------------------------------------------------------

    /**
     * {@code levels} levels of {@code width} items, keyed W1, W2, ... level by level. Item j of
     * level 1 depends on nothing; item j of level k > 1 depends on items j and j+1 (mod width) of
     * level k-1: for 5 x 4, W5 on W1 and W2, W6 on W2 and W3, W7 on W3 and W4, W8 on W4 and W1, and
     * so on. An item may start once both are done, not only once its whole level is.
     */
    record Graph(int width, int levels) {
        int items() {
            return width * levels;
        }

        String key(int index) {
            return "W" + (index + 1);
        }

        List<Integer> dependsOn(int index) {
            int level = index / width;
            int j = index % width;
            if (level == 0) {
                return List.of();
            }
            int base = (level - 1) * width;
            return width == 1 ? List.of(base) : List.of(base + j, base + (j + 1) % width);
        }

        long depsMask(int index) {
            long mask = 0;
            for (int d : dependsOn(index)) {
                mask |= 1L << d;
            }
            return mask;
        }

        long ready(long done) {
            long ready = 0;
            for (int i = 0; i < items(); i++) {
                if ((done & (1L << i)) == 0 && (depsMask(i) & ~done) == 0) {
                    ready |= 1L << i;
                }
            }
            return ready;
        }

        /**
         * The fewest rounds in which P machines finish every item, each item taking one round: a
         * breadth-first search over the sets of finished items. A round runs as many ready items as
         * it can (leaving a machine idle beside a ready item never helps with equal lengths), so
         * only which P of the ready items run is chosen, every way.
         */
        int optimalRounds(int p) {
            long all = (1L << items()) - 1;
            Set<Long> frontier = Set.of(0L);
            for (int round = 1; ; round++) {
                Set<Long> next = new HashSet<>();
                for (long done : frontier) {
                    long ready = ready(done);
                    if (Long.bitCount(ready) <= p) {
                        next.add(done | ready);
                    } else {
                        subsets(ready, p, 0L, next, done);
                    }
                }
                if (next.contains(all)) {
                    return round;
                }
                frontier = next;
            }
        }

        private static void subsets(long from, int size, long chosen, Set<Long> into, long done) {
            if (size == 0) {
                into.add(done | chosen);
                return;
            }
            if (Long.bitCount(from) < size) {
                return;
            }
            long lowest = Long.lowestOneBit(from);
            subsets(from & ~lowest, size - 1, chosen | lowest, into, done);
            subsets(from & ~lowest, size, chosen, into, done);
        }

        /** Rounds when the ready items are taken in key order, as the engine orders equal priorities. */
        int greedyRounds(int p) {
            long all = (1L << items()) - 1;
            long done = 0;
            int rounds = 0;
            while (done != all) {
                long ready = ready(done);
                for (int n = 0; n < p && ready != 0; n++) {
                    done |= Long.lowestOneBit(ready);
                    ready &= ready - 1;
                }
                rounds++;
            }
            return rounds;
        }

        String describe() {
            List<String> lines = new ArrayList<>();
            for (int level = 0; level < levels; level++) {
                List<String> row = new ArrayList<>();
                for (int j = 0; j < width; j++) {
                    int i = level * width + j;
                    row.add(key(i)
                            + (dependsOn(i).isEmpty()
                                    ? ""
                                    : "<-"
                                            + dependsOn(i).stream()
                                                    .map(this::key)
                                                    .collect(Collectors.joining("+"))));
                }
                lines.add("  level " + (level + 1) + ": " + String.join("  ", row));
            }
            return "plan: " + items() + " items, " + levels + " levels of " + width + "\n" + String.join("\n", lines);
        }
    }

    // ---- one run -------------------------------------------------------------------------------------

    /** When each item passed each point, in nanoseconds of {@link System#nanoTime}; 0 when it did not. */
    static final class ItemTimes {
        volatile long claimed;
        volatile long devStart;
        volatile long devEnd;
        volatile long reviewStart;
        volatile long reviewEnd;
        volatile long completeCalled;
        volatile long completed;
        volatile long ended;
    }

    /**
     * The run's timeline, written by the pipeline's and the items' threads through the decorators
     * and the listener; read by the main thread after the run.
     */
    static final class Timeline implements PipelineListener {
        final Map<String, ItemTimes> items = new ConcurrentHashMap<>();
        final Map<Long, String> keys = new ConcurrentHashMap<>();
        final AtomicInteger rebases = new AtomicInteger();
        final LongAdder storeCalls = new LongAdder();
        final LongAdder storeNanos = new LongAdder();
        volatile long implementStart;
        volatile long implementEnd;
        volatile Instant implementStartInstant = Instant.MAX;
        volatile Instant implementEndInstant = Instant.MAX;

        ItemTimes item(String key) {
            return items.computeIfAbsent(key, k -> new ItemTimes());
        }

        boolean implementing() {
            return implementStart != 0 && implementEnd == 0;
        }

        @Override
        public void progress(ProjectId project, String line) {
            long now = System.nanoTime();
            Matcher m = ENDED.matcher(line);
            if (m.find()) {
                item(m.group(1)).ended = now;
            } else if (line.contains("main moved on; rebasing")) {
                rebases.incrementAndGet();
            }
        }
    }

    static final class Run {
        private final Options options;
        private final Graph graph;
        private final int parallel;
        private final int delayMs;
        private final Path home;

        Run(Options options, Graph graph, int parallel, int delayMs, Path home) {
            this.options = options;
            this.graph = graph;
            this.parallel = parallel;
            this.delayMs = delayMs;
            this.home = home;
        }

        Measured execute() throws Exception {
            PipelineBench.deleteTree(home);
            Files.createDirectories(home);
            OrchestratorConfig config = config(writeScript());
            Timeline timeline = new Timeline();
            Listeners listeners = new Listeners();
            listeners.add(timeline);
            Map<String, LongAdder> gitByPlace = new ConcurrentHashMap<>();
            Map<String, LongAdder> gitByCommand = new ConcurrentHashMap<>();
            String loadBefore = loadAverage();
            long[] machineBefore = PipelineBench.machineCpuNanos();
            long jvmBefore = PipelineBench.Watch.OS.getProcessCpuTime();
            long childBefore = PipelineBench.Watch.childCpuNanos();
            RunOutcome outcome;
            try (Database database = Database.open(home.resolve("orchestrator.db"), options.durability());
                    RecordingStream jfr = new RecordingStream()) {
                jfr.enable("jdk.ProcessStart");
                jfr.onEvent("jdk.ProcessStart", event -> {
                    Instant at = event.getStartTime();
                    if (at.isBefore(timeline.implementStartInstant) || !at.isBefore(timeline.implementEndInstant)) {
                        return;
                    }
                    String command = event.getString("command");
                    if (!PipelineBench.Watch.processName(command).startsWith("git")) {
                        return;
                    }
                    String directory = event.getString("directory");
                    int w = directory.indexOf("/.orchestrator/worktrees/");
                    String place = w >= 0 ? "in worktrees" : "in the main checkout";
                    gitByPlace.computeIfAbsent(place, k -> new LongAdder()).increment();
                    gitByCommand
                            .computeIfAbsent(PipelineBench.Watch.processName(command), k -> new LongAdder())
                            .increment();
                });
                jfr.startAsync();
                var repository = new SqliteProjectRepository(database, InstantSource.system());
                var service = new ProjectService(
                        repository, new ProjectFolders(config.workspace()), () -> ConfigSnapshot.json(config));
                var services = PipelineBench.services(
                        database,
                        config,
                        repository,
                        target -> store(target, timeline),
                        target -> tracker(target, timeline),
                        target -> agent(target, timeline),
                        listeners);
                ProjectId id = service.create("a tool that renames photos by date", "parallel")
                        .id();
                try (Engine engine = new Engine(services, listeners, new ProjectExport(database)::export)) {
                    Supervisor.Start started = engine.supervisor().start(id);
                    if (!(started instanceof Supervisor.Start.Started s)) {
                        throw new IllegalStateException("project " + id + " did not start: " + started);
                    }
                    outcome = s.done().get(1, TimeUnit.HOURS);
                }
                jfr.stop();
            }
            double others = Math.max(
                    0,
                    (PipelineBench.machineCpuNanos()[0] - machineBefore[0]) / 1e9
                            - (PipelineBench.Watch.OS.getProcessCpuTime() - jvmBefore) / 1e9
                            - (PipelineBench.Watch.childCpuNanos() - childBefore) / 1e9);
            if (outcome != RunOutcome.COMPLETED || timeline.items.size() != graph.items()) {
                throw new IllegalStateException("the run ended " + outcome + " with " + timeline.items.size()
                        + " items timed; see " + home.resolve("orchestrator.log"));
            }
            return Measured.of(
                    this.graph,
                    parallel,
                    delayMs,
                    timeline,
                    counts(gitByPlace),
                    counts(gitByCommand),
                    loadBefore,
                    loadAverage(),
                    others);
        }

        private Path writeScript() throws IOException {
            List<String> plan = new ArrayList<>();
            for (int i = 0; i < graph.items(); i++) {
                plan.add("{key: " + graph.key(i) + ", title: \"Bench item " + (i + 1) + "\", description: \"Item "
                        + (i + 1) + " of the parallel benchmark's plan.\", acceptance: [\"scripted/" + graph.key(i)
                        + ".txt exists\"], depends_on: ["
                        + graph.dependsOn(i).stream().map(graph::key).collect(Collectors.joining(", "))
                        + "], priority: 2}");
            }
            String yaml = "delay_ms: 0\n"
                    + "responses:\n"
                    + "  - contract: work_plan.v1\n"
                    + "    json: {contract: work_plan.v1, items: [\n        " + String.join(",\n        ", plan)
                    + "]}\n"
                    + "  - phase: implement\n"
                    + "    delay_ms: " + delayMs + "\n";
            Path file = home.resolve("script.yaml");
            Files.writeString(file, yaml);
            return file;
        }

        private OrchestratorConfig config(Path script) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("agent.backend", "scripted");
            settings.put("agent.script", script.toString());
            settings.put("workspace", home.resolve("workspace").toString());
            settings.put("autonomy", "full");
            settings.put("phases.deploy.enabled", "false");
            settings.put("phases.implement.max_parallel", String.valueOf(parallel));
            settings.put("store.synchronous", options.durability().name().toLowerCase(Locale.ROOT));
            List<ConfigLoader.FlagSetting> flags = new ArrayList<>();
            settings.forEach((key, value) -> flags.add(new ConfigLoader.FlagSetting(key, value, "--set " + key)));
            return ConfigLoader.load(new ConfigLoader.Inputs(home, Optional.empty(), Map.of(), flags, home))
                    .config();
        }
    }

    // ---- decorators ----------------------------------------------------------------------------------

    /** The implement phase's start and end; store calls during it counted and timed. */
    static PipelineStore store(PipelineStore target, Timeline timeline) {
        return decorate(PipelineStore.class, target, (method, args, start, result) -> {
            long end = System.nanoTime();
            if (timeline.implementing()) {
                timeline.storeCalls.increment();
                timeline.storeNanos.add(end - start);
            }
            if (args != null && args.length > 1 && args[1] == PhaseName.IMPLEMENT) {
                if (method.equals("phaseStarted")) {
                    timeline.implementStartInstant = Instant.now();
                    timeline.implementStart = end;
                } else if (method.equals("phaseCompleted")) {
                    timeline.implementEnd = end;
                    timeline.implementEndInstant = Instant.now();
                }
            }
        });
    }

    /** Each item's claim and completion; tracker calls during the phase counted and timed. */
    static WorkTracker tracker(WorkTracker target, Timeline timeline) {
        return decorate(WorkTracker.class, target, (method, args, start, result) -> {
            long end = System.nanoTime();
            if (timeline.implementing()) {
                timeline.storeCalls.increment();
                timeline.storeNanos.add(end - start);
            }
            if (method.equals("claim") && result instanceof WorkItem item) {
                timeline.keys.put(item.id(), item.key());
                timeline.item(item.key()).claimed = start;
            } else if (method.equals("complete")) {
                ItemTimes times = timeline.item(timeline.keys.get((Long) args[0]));
                times.completeCalled = start;
                times.completed = end;
            }
        });
    }

    /** The start and end of each item's developer and reviewer call, as the agent sees them. */
    static Agent agent(Agent target, Timeline timeline) {
        return decorate(Agent.class, target, (method, args, start, result) -> {
            if (!method.equals("run")
                    || !(args[0] instanceof AgentTask task)
                    || task.itemKey().isEmpty()) {
                return;
            }
            long end = System.nanoTime();
            ItemTimes times = timeline.item(task.itemKey().get());
            if (task.role() == Role.DEVELOPER) {
                times.devStart = start;
                times.devEnd = end;
            } else if (task.role() == Role.REVIEWER) {
                times.reviewStart = start;
                times.reviewEnd = end;
            }
        });
    }

    @FunctionalInterface
    interface After {
        void call(String method, Object[] args, long startNanos, Object result);
    }

    private static <T> T decorate(Class<T> type, T target, After after) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            long start = System.nanoTime();
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            after.call(method.getName(), args, start, result);
            return result;
        }));
    }

    // ---- what a run measured -------------------------------------------------------------------------

    /**
     * One run's figures, milliseconds unless named otherwise. An item's span is from its claim to
     * the progress line after its worktree and branch are gone; its overhead is the span less its
     * two calls' delay. The parts: setup (claim to the developer's call: worktree, prompt, session
     * row), between (developer's end to reviewer's start: snapshot, step record), land (reviewer's
     * end to the completion's record: commit, merge lock, rebase, fast-forward), finish (the
     * completion's record to the end: worktree removed, branch deleted). Slot time lost is the
     * integral over the phase of min(free slots, items whose dependencies are done but not yet
     * claimed): how long a ready item waited beside a free slot.
     */
    record Measured(
            int parallel,
            int delayMs,
            double wallMs,
            double idealMs,
            double spanMs,
            double overheadMs,
            double setupMs,
            double betweenMs,
            double landMs,
            double finishMs,
            double startLatencyMs,
            double lostSlotMs,
            double agentCallMs,
            double gitPerItem,
            Map<String, Long> gitByPlace,
            Map<String, Long> gitByCommand,
            int rebases,
            double storeCallsPerItem,
            double storeMsPerItem,
            String loadBefore,
            String loadAfter,
            double othersCpuSeconds) {
        double efficiency() {
            return idealMs / wallMs;
        }

        static Measured of(
                Graph graph,
                int parallel,
                int delayMs,
                Timeline t,
                Map<String, Long> gitByPlace,
                Map<String, Long> gitByCommand,
                String loadBefore,
                String loadAfter,
                double others) {
            int n = graph.items();
            List<ItemTimes> items = new ArrayList<>(t.items.values());
            double span = avg(items, i -> i.ended - i.claimed);
            double agentCall = avg(items, i -> (i.devEnd - i.devStart + i.reviewEnd - i.reviewStart) / 2);
            long[] ends = items.stream().mapToLong(i -> i.ended).sorted().toArray();
            long latency = 0;
            for (ItemTimes i : items) {
                long trigger = t.implementStart;
                for (long e : ends) {
                    if (e <= i.claimed) {
                        trigger = Math.max(trigger, e);
                    }
                }
                latency += i.claimed - trigger;
            }
            long git = gitByPlace.values().stream().mapToLong(Long::longValue).sum();
            return new Measured(
                    parallel,
                    delayMs,
                    ms(t.implementEnd - t.implementStart),
                    2.0 * delayMs * graph.optimalRounds(parallel),
                    span,
                    span - 2.0 * delayMs,
                    avg(items, i -> i.devStart - i.claimed),
                    avg(items, i -> i.reviewStart - i.devEnd),
                    avg(items, i -> i.completeCalled - i.reviewEnd),
                    avg(items, i -> i.ended - i.completeCalled),
                    ms(latency) / n,
                    lostSlotMs(graph, parallel, t),
                    agentCall,
                    git / (double) n,
                    gitByPlace,
                    gitByCommand,
                    t.rebases.get(),
                    t.storeCalls.sum() / (double) n,
                    ms(t.storeNanos.sum()) / n,
                    loadBefore,
                    loadAfter,
                    others);
        }

        /** Sweeps the claims and ends in time order; see the record's Javadoc. */
        private static double lostSlotMs(Graph graph, int parallel, Timeline t) {
            record Mark(long at, int item, boolean claim) {}
            List<Mark> marks = new ArrayList<>();
            long[] completed = new long[graph.items()];
            for (int i = 0; i < graph.items(); i++) {
                ItemTimes times = t.items.get(graph.key(i));
                marks.add(new Mark(times.claimed, i, true));
                marks.add(new Mark(times.ended, i, false));
                completed[i] = times.completed;
            }
            marks.sort(Comparator.comparingLong(Mark::at));
            boolean[] claimed = new boolean[graph.items()];
            int running = 0;
            long previous = t.implementStart;
            double lost = 0;
            for (Mark mark : marks) {
                long now = mark.at();
                int ready = 0;
                for (int i = 0; i < graph.items(); i++) {
                    if (claimed[i]) {
                        continue;
                    }
                    boolean depsDone = true;
                    for (int d : graph.dependsOn(i)) {
                        depsDone &= completed[d] != 0 && completed[d] <= previous;
                    }
                    ready += depsDone ? 1 : 0;
                }
                lost += (double) Math.min(parallel - running, ready) * Math.max(0, now - previous);
                if (mark.claim()) {
                    claimed[mark.item()] = true;
                    running++;
                } else {
                    running--;
                }
                previous = now;
            }
            return ms((long) lost);
        }

        void print(String what) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: implement %.0f ms, ideal %.0f ms, efficiency %.1f%%; per item: span %.0f ms (calls %.0f ms"
                            + " each), overhead %.0f ms = setup %.0f + between %.0f + land %.0f + finish %.0f;"
                            + " start latency %.0f ms; slot time lost beside ready items %.0f ms; git %.1f processes"
                            + " per item %s; %d rebases; store %.1f calls = %.1f ms per item; load %s -> %s, other"
                            + " processes' CPU %.1f s%n   git by command: %s%n",
                    what,
                    wallMs,
                    idealMs,
                    100 * efficiency(),
                    spanMs,
                    agentCallMs,
                    overheadMs,
                    setupMs,
                    betweenMs,
                    landMs,
                    finishMs,
                    startLatencyMs,
                    lostSlotMs,
                    gitPerItem,
                    gitByPlace,
                    rebases,
                    storeCallsPerItem,
                    storeMsPerItem,
                    loadBefore,
                    loadAfter,
                    othersCpuSeconds,
                    gitByCommand);
        }

        private static double avg(List<ItemTimes> items, java.util.function.ToLongFunction<ItemTimes> f) {
            return ms((long) items.stream().mapToLong(f).average().orElse(0));
        }
    }

    /** The Markdown table of medians and ranges, one row per delay and P. */
    static void summary(List<Measured> all) {
        System.out.printf(
                "%n| delay per call | max_parallel | ideal | implement wall time, median (min-max) | efficiency,"
                        + " median (min-max) | overhead per item, median | setup / between / land / finish |"
                        + " git processes per item |%n| --- | --- | --- | --- | --- | --- | --- | --- |%n");
        Map<String, List<Measured>> groups = all.stream()
                .collect(Collectors.groupingBy(
                        m -> m.delayMs() + "/" + m.parallel(), LinkedHashMap::new, Collectors.toList()));
        for (List<Measured> group : groups.values()) {
            Measured first = group.getFirst();
            double[] wall =
                    group.stream().mapToDouble(Measured::wallMs).sorted().toArray();
            double[] eff =
                    group.stream().mapToDouble(Measured::efficiency).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "| %d ms | %d | %.1f s | %.2f s (%.2f-%.2f) | **%.1f%%** (%.1f-%.1f) | %.0f ms | %.0f / %.0f / %.0f"
                            + " / %.0f ms | %.1f |%n",
                    first.delayMs(),
                    first.parallel(),
                    first.idealMs() / 1e3,
                    median(wall) / 1e3,
                    wall[0] / 1e3,
                    wall[wall.length - 1] / 1e3,
                    100 * median(eff),
                    100 * eff[0],
                    100 * eff[eff.length - 1],
                    median(group, Measured::overheadMs),
                    median(group, Measured::setupMs),
                    median(group, Measured::betweenMs),
                    median(group, Measured::landMs),
                    median(group, Measured::finishMs),
                    median(group, Measured::gitPerItem));
        }
    }

    private static double median(List<Measured> group, java.util.function.ToDoubleFunction<Measured> f) {
        return median(group.stream().mapToDouble(f).sorted().toArray());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Map<String, Long> counts(Map<String, LongAdder> adders) {
        return adders.entrySet().stream()
                .sorted(Map.Entry.<String, LongAdder>comparingByValue(Comparator.comparingLong(LongAdder::sum))
                        .reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum(), (a, b) -> a, LinkedHashMap::new));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
