package dev.orchestrator.pipeline;

import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.process.AgentLock;
import dev.orchestrator.process.AgentProcess;
import dev.orchestrator.project.ProjectId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Hears one agent call, whether this Orchestrator started it or adopted it: passes its activity on
 * as progress (and to the {@link ActivityBoard} for a work item), records the agent's process and
 * its session id the moment they are known, and its usage and how far its output was read as they
 * arrive, at most every {@link #EVERY} (the rest at the call's end).
 *
 * <p>Called on the follower's thread while the call runs and read by the caller's after it: the
 * fields the caller reads are volatile, the running totals guarded by this object's lock.
 */
final class CallTracker implements AgentListener {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CallTracker.class);

    /** Usage and the read offset are written at most this often during a call. */
    static final Duration EVERY = Duration.ofSeconds(2);

    private final PipelineServices services;
    private final ProjectId project;
    private final PhaseName phase;
    private final Optional<String> itemKey;
    private final String who;
    private final long row;
    private final Path logFile;
    private final Optional<AgentLock> lock;
    private final Consumer<String> progress;
    private volatile Optional<String> agentSession;
    private volatile Usage reported = Usage.NONE;
    private volatile String lastActivity = "";
    private Usage recorded;
    private long offset;
    private long recordedOffset;
    private long recordedAt = System.nanoTime();

    /**
     * @param who how the work item's board names the agent ({@code developer}, {@code developer (adopted)})
     * @param recorded the call's usage its row holds already (an adopted call's, recorded by the
     *     Orchestrator that started it): only what comes on top is added
     * @param lock the folder's agent lock, told the agent's process when it starts
     * @param progress where activity lines go, with the phase and item already in front
     */
    CallTracker(
            PipelineServices services,
            ProjectId project,
            PhaseName phase,
            Optional<String> itemKey,
            Role role,
            String who,
            long row,
            Path logFile,
            Optional<String> agentSession,
            Usage recorded,
            Optional<AgentLock> lock,
            Consumer<String> progress) {
        this.services = services;
        this.project = project;
        this.phase = phase;
        this.itemKey = itemKey;
        this.who = who;
        this.row = row;
        this.logFile = logFile;
        this.agentSession = agentSession;
        this.recorded = recorded;
        this.reported = recorded;
        this.lock = lock;
        this.progress = progress;
    }

    @Override
    public void activity(String activity) {
        lastActivity = activity;
        itemKey.ifPresent(key -> services.board().report(project, key, who + ": " + activity));
        progress.accept(activity);
    }

    @Override
    public void sessionId(String sessionId) {
        if (!agentSession.equals(Optional.of(sessionId))) {
            agentSession = Optional.of(sessionId);
            recording("the agent's session id", () -> services.ledger().sessionAgentId(row, sessionId));
        }
    }

    @Override
    public void started(AgentProcess process) {
        // a failed write must not end a working agent: its token finds it, and its end is recorded
        recording("the agent's process", () -> services.ledger().sessionProcess(row, process, logFile));
        lock.ifPresent(l -> recording("the folder's agent lock", () -> l.started(process)));
    }

    /** Runs a write of progress within the call; a failure is logged, the call goes on. */
    private void recording(String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            log.warn("recording {} of call {} failed; the call goes on: {}", what, row, e.toString());
        }
    }

    @Override
    public synchronized void usage(Usage soFar) {
        // a running total can only grow; an adopted call replays its output from the start
        if (soFar.costMicros() >= reported.costMicros() && soFar.inputTokens() >= reported.inputTokens()) {
            reported = soFar;
        }
        flushIfDue();
    }

    @Override
    public synchronized void read(long read) {
        offset = Math.max(offset, read);
        flushIfDue();
    }

    private void flushIfDue() {
        if (System.nanoTime() - recordedAt < EVERY.toNanos()) {
            return;
        }
        Usage increment = minus(reported, recorded);
        recordedAt = System.nanoTime();
        if (!increment.equals(Usage.NONE) || offset > recordedOffset) {
            try {
                services.ledger().sessionProgress(row, increment, offset);
            } catch (RuntimeException e) {
                // tried again at the next flush; the call's end records the rest anyway
                log.warn("recording the progress of call {} failed: {}", row, e.toString());
                return;
            }
            recorded = recorded.plus(increment);
            recordedOffset = offset;
        }
    }

    long row() {
        return row;
    }

    Path logFile() {
        return logFile;
    }

    PhaseName phase() {
        return phase;
    }

    Optional<String> agentSession() {
        return agentSession;
    }

    Usage reported() {
        return reported;
    }

    String lastActivity() {
        return lastActivity;
    }

    /** What of the call's final usage has not been written yet. */
    synchronized Usage unrecorded(Usage total) {
        Usage last = total.equals(Usage.NONE) ? reported : total;
        return minus(last, recorded);
    }

    private static Usage minus(Usage a, Usage b) {
        return new Usage(
                Math.max(0, a.inputTokens() - b.inputTokens()),
                Math.max(0, a.outputTokens() - b.outputTokens()),
                Math.max(0, a.cacheReadTokens() - b.cacheReadTokens()),
                Math.max(0, a.cacheWriteTokens() - b.cacheWriteTokens()),
                Math.max(0, a.costMicros() - b.costMicros()));
    }
}
