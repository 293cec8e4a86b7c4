package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.process.AgentLock;
import dev.orchestrator.process.AgentProcess;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Agent calls this Orchestrator took over from earlier ones: calls still marked running when a
 * project's run starts, whose agents kept working while no Orchestrator watched them (it was
 * killed, it crashed, the person detached), or died with it. Each is followed on a virtual thread
 * of its own from the moment the run starts (its activity shows, its usage and how far its output
 * was read are recorded as they arrive); the step the call belongs to {@link #take takes} it when
 * the pipeline gets there and handles its answer as if this process had made the call. An agent
 * that had ended is read from its output file: its answer is harvested, or it comes back
 * unfinished and the step continues its session.
 *
 * <p>Owned by the {@link Supervisor}, shared by its pipeline threads: a concurrent map of the
 * followed calls by session row, so that a second run of the same project (a /resume while an
 * adopted agent still works) follows nothing twice.
 */
final class Adoptions {
    private static final Logger log = LoggerFactory.getLogger(Adoptions.class);

    private final Map<Long, Adoption> followed = new ConcurrentHashMap<>();

    /** One adopted call: followed by its own thread until a step takes its result. */
    static final class Adoption {
        private final PipelineServices services;
        private final ProjectId project;
        private final OpenSession session;
        private final Optional<Agent> agent;
        private final CallTracker tracker;
        private final CompletableFuture<AgentResult> result = new CompletableFuture<>();
        private final boolean wasRunning;
        private volatile Thread follower;
        private volatile boolean taken;

        private Adoption(
                PipelineServices services,
                ProjectId project,
                OpenSession session,
                Optional<Agent> agent,
                CallTracker tracker,
                boolean running) {
            this.services = services;
            this.project = project;
            this.session = session;
            this.agent = agent;
            this.tracker = tracker;
            this.wasRunning = running;
        }

        OpenSession session() {
            return session;
        }

        /** The backend that started the call, if this Orchestrator is configured with it. */
        Optional<Agent> agent() {
            return agent;
        }

        CallTracker tracker() {
            return tracker;
        }

        /** Whether its agent was still running when the run started (else it was harvested). */
        boolean wasRunning() {
            return wasRunning;
        }

        /**
         * Waits for the agent's end and returns what it came to. An interrupt (a stop's grace ran
         * out) ends the agent, whose call is then recorded as interrupted, and is passed on.
         */
        AgentResult await() throws InterruptedException {
            try {
                return result.get();
            } catch (InterruptedException e) {
                Thread thread = follower;
                if (thread != null) {
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(30));
                }
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Stopped) {
                    throw new InterruptedException("the adopted agent was stopped");
                }
                throw e.getCause() instanceof RuntimeException r
                        ? r
                        : new PipelineException(
                                "following the adopted " + session.label() + " failed: " + e.getCause());
            }
        }
    }

    /** The follower was interrupted: the agent was ended and its call recorded as interrupted. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /**
     * Starts following the project's open calls (those not followed already), each on a thread of
     * its own.
     *
     * @param logRoot where the calls' logs are, for a call whose log was not recorded yet
     * @param lanes the folder of each line of calls' own CLI state ({@link AgentCalls#stateDir})
     * @return the adoptions of the project, old and new
     */
    List<Adoption> adopt(
            PipelineServices services,
            Project project,
            List<OpenSession> open,
            Path logRoot,
            java.util.function.Function<OpenSession, Optional<Path>> lanes) {
        // an adoption of this project whose call is no longer open (its follower was stopped and
        // recorded it as interrupted) is no longer anyone's to take
        List<Long> ids = open.stream().map(OpenSession::id).toList();
        followed.values().removeIf(a -> a.project.equals(project.id()) && !ids.contains(a.session.id()));
        List<Adoption> adoptions = new ArrayList<>();
        List<Adoption> started = new ArrayList<>();
        for (OpenSession session : open) {
            Adoption adoption = followed.computeIfAbsent(session.id(), id -> {
                Adoption fresh = start(services, project, session, logRoot, lanes.apply(session));
                started.add(fresh);
                return fresh;
            });
            adoptions.add(adoption);
        }
        // recorded once their followers run: a commit is no reason to follow an agent later
        for (Adoption adoption : started) {
            if (adoption.follower != null) {
                services.ledger().sessionAdopted(adoption.session.id(), adoption.wasRunning ? "followed" : "harvested");
            }
        }
        return adoptions;
    }

    private Adoption start(
            PipelineServices services, Project project, OpenSession session, Path logRoot, Optional<Path> lane) {
        Path logFile = session.logFile()
                .orElseGet(() ->
                        AgentCalls.rawLog(logRoot, session.phase(), session.itemKey(), session.role(), session.id()));
        Optional<AgentProcess> process = session.process(logFile);
        Optional<Agent> agent = services.backend(session.runner());
        boolean running = process.map(AgentProcess::running).orElse(false);
        String who = session.role().wireName() + " (adopted)";
        CallTracker tracker = new CallTracker(
                services,
                project.id(),
                session.phase(),
                session.itemKey(),
                session.role(),
                who,
                session.id(),
                logFile,
                session.externalId(),
                session.usage(),
                Optional.empty(),
                line -> services.listener()
                        .progress(
                                project.id(),
                                "[" + session.phase() + "] "
                                        + session.itemKey().map(k -> k + " ").orElse("") + line));
        Adoption adoption = new Adoption(services, project.id(), session, agent, tracker, running);
        if (agent.isEmpty() || process.isEmpty() || session.workDir().isEmpty()) {
            // nothing to follow: a backend this Orchestrator no longer has, or one that runs no
            // process (the scripted agent), or a call cut off before its process started
            adoption.result.complete(AgentResult.unfinished(session.externalId(), Usage.NONE));
            return adoption;
        }
        AgentTask task = new AgentTask(
                session.role(),
                session.phase(),
                session.itemKey(),
                "",
                session.workDir().get(),
                Optional.empty(),
                session.externalId(),
                Duration.ofSeconds(services.config().agent().timeouts().callSeconds()),
                Duration.ofSeconds(services.config().recovery().stallSeconds()),
                logFile,
                process.get().token(),
                lane);
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        adoption.follower = Thread.ofVirtual()
                .name("adopted-" + session.id())
                .start(() -> follow(services, adoption, task, process.get(), mdc));
        return adoption;
    }

    private void follow(
            PipelineServices services,
            Adoption adoption,
            AgentTask task,
            AgentProcess process,
            Map<String, String> mdc) {
        if (mdc != null) {
            MDC.setContextMap(mdc);
        }
        OpenSession session = adoption.session;
        Optional<AgentLock> lock = takeOver(task.workDir(), process.token(), session);
        boolean release = true;
        try {
            adoption.tracker.activity(session.role().wireName()
                    + (adoption.wasRunning
                            ? " kept working while Orchestrator was closed; following it again (pid " + process.pid()
                                    + ")"
                            : " finished while Orchestrator was closed; reading its answer from " + task.logFile()));
            AgentResult result = adoption.agent.orElseThrow().adopt(task, process, session.offset(), adoption.tracker);
            adoption.result.complete(result);
        } catch (InterruptedException e) {
            CallTracker tracker = adoption.tracker;
            services.store()
                    .sessionEnded(
                            session.id(),
                            SessionEnd.interrupted(
                                    tracker.agentSession(),
                                    tracker.unrecorded(tracker.reported()),
                                    "stopped while following the adopted agent",
                                    tracker.lastActivity()),
                            Optional.empty());
            AgentCalls.deleteOutput(tracker.logFile());
            followed.remove(session.id(), adoption);
            adoption.result.completeExceptionally(new Stopped());
        } catch (RuntimeException e) {
            log.warn("following the adopted {} (session {}) failed", session.label(), session.id(), e);
            // its call stays open: the project's next run adopts it afresh; while its agent may
            // live, the folder's lock stays, so no other agent starts beside it
            followed.remove(session.id(), adoption);
            release = !process.running();
            adoption.result.completeExceptionally(e);
        } finally {
            if (release) {
                lock.ifPresent(AgentLock::close);
            }
            MDC.clear();
        }
    }

    /** The folder's lock, taken over from the Orchestrator that started the call (the same token). */
    private static Optional<AgentLock> takeOver(Path folder, String token, OpenSession session) {
        try {
            return switch (AgentLock.take(folder, token, session.label() + " (call " + session.id() + ", adopted)")) {
                case AgentLock.Taking.Taken taken -> Optional.of(taken.lock());
                case AgentLock.Taking.Held held -> Optional.empty();
            };
        } catch (RuntimeException e) {
            log.warn("cannot take over the agent lock in {}: {}", folder, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The adoption of this step not taken yet, if there is one: the caller now owns it, and records
     * how its call ended.
     */
    Optional<Adoption> take(
            ProjectId project, PhaseName phase, Optional<Long> item, Role role, int attempt, int cycle) {
        for (Adoption adoption : followed.values()) {
            if (adoption.project.equals(project)
                    && !adoption.taken
                    && adoption.session.isStep(phase, item, role, attempt, cycle)) {
                synchronized (adoption) {
                    if (!adoption.taken) {
                        adoption.taken = true;
                        followed.remove(adoption.session.id());
                        return Optional.of(adoption);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a call of this item (or, with no item, of this phase) was adopted, has an agent
     * process that worked in its folder (is followed), and is not taken yet. A call with nothing to
     * follow (a backend that runs no process, one cut off before its process started) left no work
     * of its own there: its folder is restored as after any interruption.
     */
    boolean pending(ProjectId project, PhaseName phase, Optional<Long> item) {
        return followed.values().stream()
                .anyMatch(a -> a.project.equals(project)
                        && !a.taken
                        && a.follower != null
                        && a.session.item().equals(item)
                        && (item.isPresent() || a.session.phase() == phase));
    }

    /**
     * Waits until the adopted agents of this item (or, with no item, this phase) have ended, so that
     * nothing touches their folder while they still write there.
     */
    void settle(ProjectId project, PhaseName phase, Optional<Long> item) throws InterruptedException {
        for (Adoption adoption : followed.values()) {
            if (adoption.project.equals(project)
                    && adoption.session.item().equals(item)
                    && (item.isPresent() || adoption.session.phase() == phase)) {
                try {
                    adoption.result.get();
                } catch (ExecutionException e) {
                    // taken and recorded by whoever steps on it; nothing runs any more
                }
            }
        }
    }

    /**
     * Gives up the adoptions of this item (or, with no item, this phase) that no step takes any
     * more, once their agents have ended: each call is recorded as interrupted with {@code why}, so
     * the step that runs again continues the agent's session. Agents still running are ended first.
     */
    void discard(ProjectId project, PhaseName phase, Optional<Long> item, String why) throws InterruptedException {
        for (Adoption adoption : List.copyOf(followed.values())) {
            if (!adoption.project.equals(project)
                    || !adoption.session.item().equals(item)
                    || (item.isEmpty() && adoption.session.phase() != phase)
                    || !followed.remove(adoption.session.id(), adoption)) {
                continue;
            }
            adoption.taken = true;
            Thread thread = adoption.follower;
            if (thread != null) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(30));
            }
            if (adoption.result.isCompletedExceptionally()) {
                continue; // the follower was stopped, and recorded the call itself
            }
            CallTracker tracker = adoption.tracker;
            AgentResult result = adoption.result.getNow(AgentResult.unfinished(Optional.empty(), Usage.NONE));
            adoption.services
                    .store()
                    .sessionEnded(
                            adoption.session.id(),
                            SessionEnd.interrupted(
                                    result.sessionId().or(tracker::agentSession),
                                    tracker.unrecorded(result.usage()),
                                    why,
                                    tracker.lastActivity()),
                            Optional.empty());
            AgentCalls.deleteOutput(tracker.logFile());
        }
    }

    /**
     * Ends the adoptions of a project whose run is over and whose steps never came up (an attempt
     * or a setting changed meanwhile): their calls are recorded as interrupted.
     */
    void endUntaken(ProjectId project) throws InterruptedException {
        for (Adoption adoption : List.copyOf(followed.values())) {
            if (adoption.project.equals(project)) {
                discard(
                        project,
                        adoption.session.phase(),
                        adoption.session.item(),
                        "its step did not come up again in the run that adopted it");
            }
        }
    }

    /** Waits until every follower has ended, or {@code deadline} ({@link System#nanoTime()}) has passed. */
    void awaitFollowers(long deadline) throws InterruptedException {
        for (Adoption adoption : followed.values()) {
            Thread thread = adoption.follower;
            long left = deadline - System.nanoTime();
            if (thread != null && left > 0) {
                thread.join(Duration.ofNanos(left));
            }
        }
    }

    /**
     * Ends the agents still followed (a graceful stop's grace is over): each follower ends its
     * agent's session and records the call as interrupted.
     *
     * @return how many were still followed
     */
    int interruptAll() {
        int interrupted = 0;
        for (Adoption adoption : followed.values()) {
            Thread thread = adoption.follower;
            if (thread != null && thread.isAlive()) {
                thread.interrupt();
                interrupted++;
            }
        }
        for (Adoption adoption : followed.values()) {
            Thread thread = adoption.follower;
            if (thread != null) {
                try {
                    thread.join(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return interrupted;
    }
}
