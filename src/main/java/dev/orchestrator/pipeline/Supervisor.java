package dev.orchestrator.pipeline;

import dev.orchestrator.OrchestratorException;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import dev.orchestrator.project.ProjectStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs projects' pipelines, each on its own virtual thread, and owns those threads: starts them,
 * stops them gracefully, keeps this instance's ownership of its projects alive with a heartbeat,
 * and finds projects whose owner died.
 *
 * <p>Threads: {@link #running} is shared (concurrent map); each pipeline thread owns its run. The
 * {@link Adoptions} (calls taken over from earlier Orchestrators) are shared by all runs.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    /**
     * The instances alive in this process. An owner with this process's pid is one of them, or an
     * earlier process that had the same pid and is gone.
     */
    private static final Set<String> LIVE_HERE = ConcurrentHashMap.newKeySet();

    private final PipelineServices services;
    private final String instance;
    private final Duration stale;
    private final Map<ProjectId, Running> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final Adoptions adoptions = new Adoptions();
    private final java.util.concurrent.CountDownLatch hurry = new java.util.concurrent.CountDownLatch(1);

    private record Running(Thread thread, StopSignal stop, CompletableFuture<RunOutcome> done) {}

    /** Whether a project's pipeline was started, or why not. */
    public sealed interface Start {
        record Started(CompletableFuture<RunOutcome> done) implements Start {}

        record AlreadyRunning(CompletableFuture<RunOutcome> done) implements Start {}

        record OwnedElsewhere(String owner) implements Start {}

        /** The agent backend cannot run; the project is paused with the reason and the fix. */
        record AgentUnavailable(String reason) implements Start {}
    }

    public Supervisor(PipelineServices services) {
        this.services = services;
        this.instance = host() + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
        LIVE_HERE.add(instance);
        int beat = services.config().recovery().heartbeatSeconds();
        this.stale = Duration.ofSeconds(beat * 3L);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("heartbeat").factory());
        timer.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.SECONDS);
    }

    /** This process's identity as an owner of projects: {@code host:pid:nonce}. */
    public String instance() {
        return instance;
    }

    public PipelineServices services() {
        return services;
    }

    /** Starts (or resumes) the project's pipeline from its first incomplete step. */
    public synchronized Start start(ProjectId id) {
        Running current = running.get(id);
        if (current != null) {
            return new Start.AlreadyRunning(current.done());
        }
        Optional<String> unavailable = services.agent().unavailable();
        if (unavailable.isPresent()) {
            services.store().projectStatus(id, ProjectStatus.PAUSED, unavailable.get());
            services.listener().waiting(id, "a working agent: " + unavailable.get());
            return new Start.AgentUnavailable(unavailable.get());
        }
        Claim claim = services.store().claim(id, instance, stale, this::alive);
        if (claim instanceof Claim.OwnedElsewhere elsewhere) {
            return new Start.OwnedElsewhere(elsewhere.owner());
        }
        Project project = services.projects()
                .find(id)
                .orElseThrow(() -> new PipelineException("there is no project " + id + "."));
        StopSignal stop = new StopSignal();
        CompletableFuture<RunOutcome> done = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().name("project-" + id).unstarted(() -> runToEnd(project, stop, done));
        running.put(id, new Running(thread, stop, done));
        thread.start();
        return new Start.Started(done);
    }

    private void runToEnd(Project project, StopSignal stop, CompletableFuture<RunOutcome> done) {
        MDC.put("project", project.id().toString());
        RunOutcome outcome = RunOutcome.FAILED;
        String detail = "";
        try {
            outcome = new PipelineRun(services, project, stop, adoptions).run();
        } catch (StopSignal.StopRequested e) {
            outcome = RunOutcome.STOPPED;
            pause(project.id(), ProjectStatus.STOPPED, "stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            outcome = RunOutcome.STOPPED;
            detail = "stopped while an agent was working; its changes since the last finished step are set aside";
        } catch (OrchestratorException | java.io.UncheckedIOException e) {
            detail = e.getMessage();
            log.error("project {} stopped by a failure", project.id(), e);
            pause(project.id(), ProjectStatus.PAUSED, detail);
        } catch (RuntimeException e) {
            detail = "unexpected failure: " + e;
            log.error("project {} stopped by an unexpected failure", project.id(), e);
            pause(project.id(), ProjectStatus.PAUSED, detail);
        } finally {
            try {
                services.store().release(project.id(), instance);
            } catch (RuntimeException e) {
                log.warn("releasing project {} failed", project.id(), e);
            }
            running.remove(project.id());
            MDC.remove("project");
            services.listener().finished(project.id(), outcome, detail);
            done.complete(outcome);
        }
    }

    private void pause(ProjectId id, ProjectStatus status, String why) {
        try {
            services.store().projectStatus(id, status, why);
        } catch (RuntimeException e) {
            log.error("recording that project {} paused failed", id, e);
        }
    }

    public boolean isRunning(ProjectId id) {
        return running.containsKey(id);
    }

    public List<ProjectId> runningProjects() {
        return List.copyOf(running.keySet());
    }

    /** The future of a running pipeline, if one runs. */
    public Optional<CompletableFuture<RunOutcome>> completion(ProjectId id) {
        return Optional.ofNullable(running.get(id)).map(Running::done);
    }

    /**
     * Stops one project gracefully: it stops at its next safe point (between agent calls); after
     * {@code recovery.shutdown_grace_seconds} its agent is interrupted and its processes killed.
     *
     * @return false when the project was not running here
     */
    public boolean stop(ProjectId id, String reason) {
        Running run = running.get(id);
        if (run == null) {
            return false;
        }
        run.stop().request(reason);
        Duration grace = Duration.ofSeconds(services.config().recovery().shutdownGraceSeconds());
        timer.schedule(() -> run.thread().interrupt(), grace.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /**
     * Stops every running project in five steps, each reported: (1) no new work starts; (2) the
     * agents at work get {@code grace} to finish their calls, the safe point ({@link #hurry} cuts
     * it short); (3) those still working are interrupted and their process trees ended, their calls
     * recorded as interrupted; (4) the state is saved; (5) how to carry on.
     *
     * @param howToResume the instruction for step 5, given the stopped projects
     */
    public void stopAll(
            Duration grace, Consumer<String> steps, java.util.function.Function<List<ProjectId>, String> howToResume) {
        List<Map.Entry<ProjectId, Running>> entries = List.copyOf(running.entrySet());
        if (entries.isEmpty()) {
            return;
        }
        List<Running> runs = entries.stream().map(Map.Entry::getValue).toList();
        List<ProjectId> ids = entries.stream().map(Map.Entry::getKey).sorted().toList();
        steps.accept("1. no new work starts: stopping " + runs.size() + (runs.size() == 1 ? " project" : " projects")
                + " (" + String.join(", ", ids.stream().map(ProjectId::toString).toList()) + ")");
        runs.forEach(r -> r.stop().request("shutdown"));
        int agents = services.processes().runningAgents();
        steps.accept("2. "
                + (agents == 0
                        ? "no agent is at work; waiting"
                        : agents + (agents == 1 ? " agent is" : " agents are") + " at work; waiting")
                + " up to " + grace.toSeconds()
                + " s for each to reach a safe point (its call finished and recorded)");
        long deadline = System.nanoTime() + grace.toNanos();
        for (Running run : runs) {
            while (!run.done().isDone() && hurry.getCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    run.done().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // still working, or already reported by its listener
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        // done, not the thread's end: the thread completes its future in its last steps
        List<Running> late = runs.stream().filter(r -> !r.done().isDone()).toList();
        try {
            // agents adopted from an earlier Orchestrator that no step has taken yet: the same grace
            adoptions.awaitFollowers(hurry.getCount() == 0 ? System.nanoTime() : deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        adoptions.interruptAll();
        if (late.isEmpty()) {
            steps.accept("3. every project reached a safe point; no agent was cut off");
        } else {
            int working = services.processes().runningAgents();
            steps.accept("3. " + late.size() + (late.size() == 1 ? " project" : " projects") + " still working"
                    + (hurry.getCount() == 0 ? "" : " after " + grace.toSeconds() + " s") + ": interrupting "
                    + (working == 0 ? "it" : working + (working == 1 ? " agent" : " agents")) + " and ending"
                    + " the process trees; interrupted calls are continued in their agents' sessions on resume");
            late.forEach(r -> r.thread().interrupt());
            services.processes().killAll(Duration.ofSeconds(5));
            for (Running run : late) {
                try {
                    run.thread().join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        long unsaved = runs.stream().filter(r -> !r.done().isDone()).count();
        steps.accept("4. state saved: every finished call, step and item is in the database"
                + (unsaved == 0
                        ? ""
                        : " (" + unsaved + " project(s) did not end in time; the next start resumes them)"));
        steps.accept("5. " + howToResume.apply(ids));
    }

    /** {@link #stopAll(Duration, Consumer, java.util.function.Function)} with the session's instruction to resume. */
    public void stopAll(Duration grace, Consumer<String> steps) {
        stopAll(
                grace,
                steps,
                ids -> "to carry on: "
                        + String.join(
                                ", ", ids.stream().map(id -> "/resume " + id).toList()));
    }

    /** Cuts a {@link #stopAll graceful stop}'s wait for safe points short (a second Ctrl+C). */
    public void hurry() {
        hurry.countDown();
    }

    /** Projects whose owner died or went silent: they were interrupted mid-run. */
    public List<ProjectId> interrupted() {
        return services.store().orphaned(instance, stale, this::alive);
    }

    /**
     * Whether the owner of a project is a live process. On this host the process table decides;
     * for another host only the heartbeat can tell, so it is taken as alive here.
     */
    boolean alive(String owner) {
        String[] parts = owner.split(":");
        if (parts.length != 3) {
            return false;
        }
        if (!parts[0].equals(host())) {
            return true;
        }
        if (owner.equals(instance)) {
            return true;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            if (pid == ProcessHandle.current().pid()) {
                return LIVE_HERE.contains(owner);
            }
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void heartbeat() {
        if (running.isEmpty()) {
            return;
        }
        try {
            services.store().heartbeat(instance);
        } catch (RuntimeException e) {
            log.warn("heartbeat failed", e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(':', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        LIVE_HERE.remove(instance);
        timer.shutdownNow();
    }
}
