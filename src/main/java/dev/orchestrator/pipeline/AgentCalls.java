package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentResult.Outcome.Failure;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.Validation;
import dev.orchestrator.process.AgentLock;
import dev.orchestrator.process.AgentRunner;
import dev.orchestrator.project.Project;
import dev.orchestrator.work.WorkItem;
import dev.orchestrator.workspace.Git;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One contract call to the agent, recorded as agent sessions: render the prompt, run the agent,
 * take the answer's JSON, validate it, and ask for a repair with the validator's messages up to
 * {@code recovery.repair_attempts} times (continuing the same agent session when the agent can).
 *
 * <p>The call protocol: a call's first {@link Attempt} is fresh, or continues the agent's session
 * of the same step that a stop or a crash interrupted, or is no new run at all: the step's call was
 * {@link Adoptions adopted} from an earlier Orchestrator, and its answer (harvested from its output,
 * or followed to its end) is handled as if this process had made the call. Each run of the agent is
 * one session row and comes to a {@link Ran}: answered, failed, or unfinished. A failed run is
 * retried as {@link Recovery} decides (backoff, a hint when stuck, a fresh session after a context
 * overflow), then on the fallback backend if one is configured; when nothing is left it throws
 * {@link AgentPause}. Before each run the {@link Budgets} are checked and the folder's {@link
 * AgentLock} is taken: no agent starts where an earlier one may still be working. Planning answers
 * may come from the cache ({@code agent.cache_ttl_seconds}).
 *
 * <p>Each instance is used by one thread: the project's pipeline thread, a work item's thread, or a
 * swarm member's thread ({@link Swarm} makes one instance per member).
 */
final class AgentCalls {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Logger log = LoggerFactory.getLogger(AgentCalls.class);
    private static final Duration LOCK_POLL = Duration.ofSeconds(1);

    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final StopSignal stop;
    private final Path logRoot;
    private final Adoptions adoptions;
    private final Budgets budgets;

    /**
     * What a call is about (its step: phase, work item, role, attempt, cycle), how it is asked, and
     * what its answer keeps. Made with the factories.
     *
     * @param lane the line of calls this one belongs to (a work item's key, a swarm member, the
     *     project's main checkout): calls of different lanes may run at once
     */
    record Call(
            Role role,
            PhaseName phase,
            Optional<Item> item,
            int attempt,
            int cycle,
            String template,
            Contract contract,
            Map<String, Object> context,
            Keeps keeps,
            String lane) {
        Call {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(item, "item");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(contract, "contract");
            context = java.util.Collections.unmodifiableMap(new HashMap<>(context));
            Objects.requireNonNull(keeps, "keeps");
            Objects.requireNonNull(lane, "lane");
        }

        /** The work item a call is about. */
        record Item(long id, String key) {}

        /** What a valid answer leaves besides the answer itself. */
        enum Keeps {
            /** It becomes the phase's candidate, in the transaction that ends its session. */
            CANDIDATE,
            /** The work tree the agent left is snapshotted with it, so a resume restores it. */
            SNAPSHOT,
            /** Nothing else. */
            ANSWER
        }

        /** A planning phase's single agent: its answer becomes the phase's candidate. */
        static Call planning(
                Role role, PhaseName phase, String template, Contract contract, Map<String, Object> context) {
            return new Call(role, phase, Optional.empty(), 0, 0, template, contract, context, Keeps.CANDIDATE, MAIN);
        }

        /** Member {@code member} of a swarm's round {@code round}. */
        static Call swarmMember(
                Role role,
                PhaseName phase,
                String template,
                Contract contract,
                Map<String, Object> context,
                int round,
                int member) {
            return new Call(
                    role,
                    phase,
                    Optional.empty(),
                    round,
                    member,
                    template,
                    contract,
                    context,
                    Keeps.ANSWER,
                    AgentCalls.lane(phase, Optional.empty(), member));
        }

        /** A swarm's aggregator: its answer becomes the phase's candidate. */
        static Call aggregator(Role role, PhaseName phase, Contract contract, Map<String, Object> context, int round) {
            return new Call(
                    role,
                    phase,
                    Optional.empty(),
                    round,
                    0,
                    "swarm/aggregate",
                    contract,
                    context,
                    Keeps.CANDIDATE,
                    MAIN);
        }

        /** A step of a phase that works in the main checkout (scaffold, test fix, deploy): its work tree is kept. */
        static Call phaseStep(
                Role role,
                PhaseName phase,
                String template,
                Contract contract,
                Map<String, Object> context,
                int attempt,
                int cycle) {
            return new Call(
                    role, phase, Optional.empty(), attempt, cycle, template, contract, context, Keeps.SNAPSHOT, MAIN);
        }

        /**
         * A step of a work item in its worktree, in the item's current attempt. A developer's or
         * fixer's work tree is kept; a reviewer changes nothing, so the one to restore is the last
         * developer's or fixer's.
         */
        static Call itemStep(
                Role role, WorkItem item, int cycle, String template, Contract contract, Map<String, Object> context) {
            return new Call(
                    role,
                    PhaseName.IMPLEMENT,
                    Optional.of(new Item(item.id(), item.key())),
                    item.attempts(),
                    cycle,
                    template,
                    contract,
                    context,
                    role == Role.REVIEWER ? Keeps.ANSWER : Keeps.SNAPSHOT,
                    item.key());
        }

        /** The fixer resolving a merge conflict in the item's worktree (committed by the merger, not snapshotted). */
        static Call mergeFix(WorkItem item, int cycle, Map<String, Object> context) {
            return new Call(
                    Role.FIXER,
                    PhaseName.IMPLEMENT,
                    Optional.of(new Item(item.id(), item.key())),
                    item.attempts(),
                    cycle,
                    "implement/merge",
                    Contract.DEV_RESULT,
                    context,
                    Keeps.ANSWER,
                    item.key());
        }

        Optional<Long> itemId() {
            return item.map(Item::id);
        }

        Optional<String> itemKey() {
            return item.map(Item::key);
        }

        /** Whether the agent may change its folder (or run what does): it takes the folder's lock. */
        boolean locks() {
            return switch (role) {
                case ANALYST, ARCHITECT, PLANNER -> false;
                case DEVELOPER, REVIEWER, FIXER, DEPLOYER -> true;
            };
        }
    }

    /** The lane of the project's main checkout. */
    static final String MAIN = "main";

    /** A call's lane from its step: the item's key, a swarm member's number, or the main checkout. */
    static String lane(PhaseName phase, Optional<String> itemKey, int cycle) {
        if (itemKey.isPresent()) {
            return itemKey.get();
        }
        return PipelineRun.isPlanning(phase) && cycle > 0 ? "swarm-" + phase + "-" + cycle : MAIN;
    }

    /**
     * What one run of the agent is asked: a prompt, in the agent's own session when it continues
     * one.
     */
    record Attempt(String prompt, Optional<String> session) {
        Attempt {
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(session, "session");
        }

        static Attempt fresh(String prompt) {
            return new Attempt(prompt, Optional.empty());
        }

        /**
         * A follow-up (a repair, a retry, a note that the call was interrupted): in the agent's own
         * session when there is one to continue, else the original prompt again with the follow-up
         * after it.
         */
        static Attempt followUp(String original, String followUp, Optional<String> session, boolean continues) {
            return continues && session.isPresent()
                    ? new Attempt(followUp, session)
                    : new Attempt(original + "\n\n" + followUp, Optional.empty());
        }
    }

    /** What one run of the agent came to. */
    sealed interface Ran {
        /** It answered; the session is recorded once the answer is validated. */
        record Answered(AgentResult result, CallTracker tracker, Usage unrecorded, Optional<String> session)
                implements Ran {}

        /** It failed; recorded as failed. */
        record Failed(Failure failure, Optional<String> session) implements Ran {}

        /** An adopted call that left no answer; recorded as interrupted, its session to be continued. */
        record Unfinished(Optional<String> session) implements Ran {}
    }

    /** A validated answer and the work tree it left. */
    record Answer(JsonNode document, String json, Optional<String> snapshot) {}

    AgentCalls(PipelineServices services, Project project, Git git, StopSignal stop, Adoptions adoptions) {
        this(services, project, git, stop, adoptions, project.workspace().resolve(".orchestrator/logs"));
    }

    /**
     * @param git the repository (or worktree) the agent works in
     * @param adoptions the calls adopted from earlier Orchestrators, which steps take over
     * @param logRoot where each call's raw log and parsed answer go
     */
    AgentCalls(
            PipelineServices services, Project project, Git git, StopSignal stop, Adoptions adoptions, Path logRoot) {
        this.services = services;
        this.project = project;
        this.git = git;
        this.stop = stop;
        this.logRoot = logRoot;
        this.adoptions = adoptions;
        this.budgets = new Budgets(services, project);
    }

    Answer call(Call call) throws InterruptedException {
        Map<String, Object> context = new HashMap<>(call.context());
        context.put(
                "contract",
                Map.of(
                        "id",
                        call.contract().id(),
                        "schema",
                        services.contracts().schemaText(call.contract())));
        String original = services.prompts().render(call.template(), context);
        // an adopted call comes first: it was made, and is paid for, whatever the cache holds
        Optional<Ran> adopted = adopted(call);
        Optional<String> cacheKey = cacheKey(call, original);
        if (cacheKey.isPresent() && adopted.isEmpty()) {
            Optional<Answer> cached = fromCache(call, cacheKey.get());
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        Attempt attempt = Attempt.fresh(original);
        if (adopted.isPresent() && adopted.get() instanceof Ran.Unfinished unfinished) {
            attempt = continueInterrupted(call, context, original, unfinished.session());
            adopted = Optional.empty();
        } else if (adopted.isEmpty()) {
            Optional<String> interrupted = services.agent().continuesSessions()
                    ? services.ledger()
                            .interruptedSession(
                                    project.id(),
                                    call.phase(),
                                    call.itemId(),
                                    call.role(),
                                    call.attempt(),
                                    call.cycle())
                    : Optional.empty();
            if (interrupted.isPresent()) {
                attempt = continueInterrupted(call, context, original, interrupted);
            }
        }
        int repairs = services.config().recovery().repairAttempts();
        for (int repair = 0; ; repair++) {
            Ran.Answered answered = runRecovering(call, context, original, attempt, adopted);
            adopted = Optional.empty();
            CallTracker tracker = answered.tracker();
            Validation validation = services.contracts()
                    .validate(call.contract(), answered.result().text());
            if (validation instanceof Validation.Valid valid) {
                String json = JSON.writeValueAsString(valid.document());
                keepBesideTheLog(tracker.logFile(), valid.document());
                Optional<String> snapshot = call.keeps() == Call.Keeps.SNAPSHOT
                        ? Optional.of(git.snapshot(
                                call.phase() + " " + label(call) + call.role().wireName()))
                        : Optional.empty();
                services.store()
                        .sessionEnded(
                                tracker.row(),
                                SessionEnd.completed(
                                        answered.session(),
                                        answered.unrecorded(),
                                        json,
                                        snapshot,
                                        tracker.lastActivity()),
                                call.keeps() == Call.Keeps.CANDIDATE ? Optional.of(call.phase()) : Optional.empty());
                deleteOutput(tracker.logFile());
                cacheKey.ifPresent(key -> remember(call, key, json));
                return new Answer(valid.document(), json, snapshot);
            }
            List<String> problems = ((Validation.Invalid) validation).problems();
            services.store()
                    .sessionEnded(
                            tracker.row(),
                            SessionEnd.invalid(
                                    answered.session(), answered.unrecorded(), problems, tracker.lastActivity()),
                            Optional.empty());
            deleteOutput(tracker.logFile());
            if (repair >= repairs) {
                throw new PhaseFailure("the " + call.role().wireName() + "'s answer did not match "
                        + call.contract().id()
                        + " after " + repairs + (repairs == 1 ? " repair: " : " repairs: ")
                        + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
            }
            progress(
                    call,
                    "answer did not match " + call.contract().id() + " (" + problems.size()
                            + (problems.size() == 1 ? " problem" : " problems") + "), asking for a repair ("
                            + (repair + 1) + "/" + repairs + ")");
            Map<String, Object> repairContext = new HashMap<>(context);
            repairContext.put("problems", problems);
            attempt = Attempt.followUp(
                    original,
                    services.prompts().render("common/repair", repairContext),
                    answered.session(),
                    services.agent().continuesSessions());
        }
    }

    /**
     * The step's call adopted from an earlier Orchestrator, waited for and recorded like a run of
     * this one's; empty when none was.
     */
    private Optional<Ran> adopted(Call call) throws InterruptedException {
        Optional<Adoptions.Adoption> adoption =
                adoptions.take(project.id(), call.phase(), call.itemId(), call.role(), call.attempt(), call.cycle());
        if (adoption.isEmpty()) {
            return Optional.empty();
        }
        Adoptions.Adoption adopted = adoption.get();
        AgentResult result = adopted.await();
        return Optional.of(ran(call, adopted.tracker(), result, Optional.empty()));
    }

    /** The note that the step's call was interrupted, in its agent's session when it has one. */
    private Attempt continueInterrupted(
            Call call, Map<String, Object> context, String original, Optional<String> session) {
        boolean continues = services.agent().continuesSessions() && session.isPresent();
        if (continues) {
            progress(call, "continuing the agent's interrupted session " + session.get());
        }
        return Attempt.followUp(
                original,
                retryPrompt(context, Map.of("error", "interrupted", "interrupted", true, "continued", continues)),
                session,
                services.agent().continuesSessions());
    }

    /**
     * Runs the agent until a run answers, retrying failures as {@link Recovery} decides and
     * switching to the fallback backend once; each run is a session row of its own.
     *
     * @param adopted the first run's outcome when the step's call was adopted (no run starts for it)
     */
    private Ran.Answered runRecovering(
            Call call, Map<String, Object> context, String original, Attempt first, Optional<Ran> adopted)
            throws InterruptedException {
        Agent agent = services.agent();
        boolean onFallback = false;
        Recovery recovery = recovery();
        Attempt attempt = first;
        Optional<Ran> pending = adopted;
        while (true) {
            Ran ran;
            if (pending.isPresent()) {
                ran = pending.get();
                pending = Optional.empty();
            } else {
                stop.check();
                budgets.check(call.itemId(), call.itemKey());
                ran = runOnce(agent, call, attempt);
            }
            switch (ran) {
                case Ran.Answered answered -> {
                    return answered;
                }
                case Ran.Unfinished unfinished ->
                    attempt = continueInterrupted(call, context, original, unfinished.session());
                case Ran.Failed failed -> {
                    Failure failure = failed.failure();
                    Recovery.Next next = recovery.next(
                            failure,
                            agent.continuesSessions() && failed.session().isPresent(),
                            attempt.session().isPresent());
                    String what = "the " + call.role().wireName() + " agent (" + agent.name() + ") failed ("
                            + failure.errorClass().wireName() + ": " + failure.message() + ")";
                    switch (next) {
                        case Recovery.Next.GiveUp giveUp -> {
                            Optional<Agent> fallback = services.fallback()
                                    .filter(f -> f.unavailable().isEmpty());
                            if (onFallback || fallback.isEmpty()) {
                                throw new AgentPause(
                                        giveUp.hopeless() ? AgentPause.Kind.HOPELESS : AgentPause.Kind.GAVE_UP,
                                        "the " + call.role().wireName() + " agent (" + agent.name() + ") "
                                                + (giveUp.hopeless() ? "cannot run: " : "") + giveUp.diagnosis());
                            }
                            onFallback = true;
                            agent = fallback.get();
                            recovery = recovery();
                            progress(call, what + "; switching to the fallback backend " + agent.name());
                            attempt = Attempt.fresh(original);
                        }
                        case Recovery.Next.Retry retry -> {
                            int max = services.config().recovery().maxRetries();
                            progress(
                                    call,
                                    what + "; retry " + retry.number() + "/" + max
                                            + (retry.delay().isZero() ? "" : " in " + seconds(retry.delay()))
                                            + (retry.hint().isPresent() ? ", with a hint" : "")
                                            + (retry.continueSession()
                                                    ? ", continuing its session"
                                                    : ", in a fresh session"));
                            stop.sleep(retry.delay());
                            Map<String, Object> facts = new HashMap<>();
                            facts.put("error", failure.errorClass().wireName() + ": " + failure.message());
                            facts.put("tried", tried(recovery));
                            retry.hint().ifPresent(hint -> facts.put("hint", hint));
                            facts.put("interrupted", false);
                            facts.put("continued", retry.continueSession());
                            attempt = Attempt.followUp(
                                    original,
                                    retryPrompt(context, facts),
                                    retry.continueSession() ? failed.session() : Optional.empty(),
                                    agent.continuesSessions());
                        }
                    }
                }
            }
        }
    }

    /**
     * One run of the agent in this folder, under its lock: recorded as a session row before the
     * agent starts, its process recorded the moment it does.
     */
    private Ran runOnce(Agent agent, Call call, Attempt attempt) throws InterruptedException {
        String token = UUID.randomUUID().toString();
        Optional<AgentLock> lock = call.locks() ? Optional.of(awaitLock(call, token)) : Optional.empty();
        try {
            long row = services.store()
                    .sessionStarted(new NewSession(
                            project.id(),
                            call.phase(),
                            call.itemId(),
                            call.role(),
                            agent.name(),
                            call.attempt(),
                            call.cycle(),
                            Optional.of(call.contract()),
                            attempt.session(),
                            token,
                            git.folder()));
            Path log = rawLog(logRoot, call.phase(), call.itemKey(), call.role(), row);
            CallTracker tracker = new CallTracker(
                    services,
                    project.id(),
                    call.phase(),
                    call.itemKey(),
                    call.role(),
                    call.role().wireName(),
                    row,
                    log,
                    attempt.session(),
                    Usage.NONE,
                    lock,
                    line -> progress(call, line));
            AgentTask task = new AgentTask(
                    call.role(),
                    call.phase(),
                    call.itemKey(),
                    attempt.prompt(),
                    git.folder(),
                    Optional.of(call.contract()),
                    attempt.session(),
                    Duration.ofSeconds(services.config().agent().timeouts().callSeconds()),
                    Duration.ofSeconds(services.config().recovery().stallSeconds()),
                    log,
                    token,
                    Optional.of(stateDir(project, call.lane())));
            AgentResult result;
            try {
                result = agent.run(task, tracker);
            } catch (InterruptedException e) {
                services.store()
                        .sessionEnded(
                                row,
                                SessionEnd.interrupted(
                                        tracker.agentSession(),
                                        tracker.unrecorded(tracker.reported()),
                                        "interrupted",
                                        tracker.lastActivity()),
                                Optional.empty());
                deleteOutput(log);
                throw e;
            }
            return ran(call, tracker, result, attempt.session());
        } finally {
            lock.ifPresent(AgentLock::close);
        }
    }

    /** A run's result as a {@link Ran}; a failed or unfinished one is recorded as such here. */
    private Ran ran(Call call, CallTracker tracker, AgentResult result, Optional<String> continued) {
        Usage unrecorded = tracker.unrecorded(result.usage());
        Optional<String> session = result.sessionId().or(tracker::agentSession).or(() -> continued);
        return switch (result.outcome()) {
            case AgentResult.Outcome.Success success -> new Ran.Answered(result, tracker, unrecorded, session);
            case AgentResult.Outcome.Failure failure -> {
                services.store()
                        .sessionEnded(
                                tracker.row(),
                                SessionEnd.failed(session, unrecorded, failure, tracker.lastActivity()),
                                Optional.empty());
                deleteOutput(tracker.logFile());
                yield new Ran.Failed(failure, session);
            }
            case AgentResult.Outcome.Unfinished unfinished -> {
                services.store()
                        .sessionEnded(
                                tracker.row(),
                                SessionEnd.interrupted(
                                        session,
                                        unrecorded,
                                        "its Orchestrator ended before it finished",
                                        tracker.lastActivity()),
                                Optional.empty());
                deleteOutput(tracker.logFile());
                progress(
                        call,
                        call.role().wireName() + " had stopped before it finished, while Orchestrator was closed");
                yield new Ran.Unfinished(session);
            }
        };
    }

    /**
     * The folder's agent lock, once no earlier agent may still be working there. Waiting is a safe
     * point: a stop ends it.
     */
    private AgentLock awaitLock(Call call, String token) throws InterruptedException {
        String told = "";
        while (true) {
            switch (AgentLock.take(
                    git.folder(),
                    token,
                    "project " + project.id() + " " + label(call) + call.role().wireName())) {
                case AgentLock.Taking.Taken taken -> {
                    if (!told.isEmpty()) {
                        progress(
                                call,
                                "the folder is free again; the " + call.role().wireName() + " starts");
                    }
                    return taken.lock();
                }
                case AgentLock.Taking.Held held -> {
                    String why = git.folder() + " is in use by an agent that may still be working there ("
                            + held.holder().describe() + "; its lock is " + held.file()
                            + "); the " + call.role().wireName() + " starts once it has ended"
                            + (held.holder().agentPid() > 0
                                    ? " (if that process hangs, kill "
                                            + held.holder().agentPid() + ")"
                                    : "");
                    if (!why.equals(told)) {
                        progress(call, "waits: " + why);
                        call.itemKey().ifPresent(key -> services.board().report(project.id(), key, "waits: " + why));
                        services.store()
                                .note(
                                        project.id(),
                                        "agent_lock_held",
                                        Map.of(
                                                "folder",
                                                git.folder().toString(),
                                                "holder",
                                                held.holder().describe()));
                        told = why;
                    }
                    stop.sleep(LOCK_POLL);
                }
            }
        }
    }

    private Recovery recovery() {
        return new Recovery(
                services.config().recovery(), () -> ThreadLocalRandom.current().nextDouble());
    }

    private String retryPrompt(Map<String, Object> context, Map<String, Object> facts) {
        Map<String, Object> retryContext = new HashMap<>(context);
        retryContext.put("retry", facts);
        return services.prompts().render("common/retry", retryContext);
    }

    private static List<Map<String, Object>> tried(Recovery recovery) {
        List<Failure> failures = recovery.failures();
        List<Map<String, Object>> tried = new ArrayList<>();
        for (int i = 0; i < failures.size(); i++) {
            tried.add(Map.of(
                    "attempt",
                    i + 1,
                    "what",
                    failures.get(i).errorClass().wireName() + ": "
                            + failures.get(i).message()));
        }
        return tried;
    }

    // ---- planning cache -----------------------------------------------------------------------

    /** Planning calls have no side effects: with a TTL configured, their answers may be reused. */
    private Optional<String> cacheKey(Call call, String prompt) {
        int ttl = services.config().agent().cacheTtlSeconds();
        if (ttl == 0 || !PipelineRun.isPlanning(call.phase())) {
            return Optional.empty();
        }
        String model = services.config().agent().model().orElse("");
        return Optional.of(sha256(
                services.agent().name() + "\n" + model + "\n" + call.contract().id() + "\n" + prompt));
    }

    private Optional<Answer> fromCache(Call call, String key) {
        Optional<String> cached = services.ledger().cached(key, Instant.now());
        if (cached.isEmpty()
                || !(services.contracts().validate(call.contract(), cached.get()) instanceof Validation.Valid valid)) {
            return Optional.empty();
        }
        long row = services.store()
                .sessionStarted(new NewSession(
                        project.id(),
                        call.phase(),
                        call.itemId(),
                        call.role(),
                        services.agent().name() + " (cache)",
                        call.attempt(),
                        call.cycle(),
                        Optional.of(call.contract()),
                        Optional.empty(),
                        UUID.randomUUID().toString(),
                        git.folder()));
        String json = JSON.writeValueAsString(valid.document());
        services.store()
                .sessionEnded(
                        row,
                        SessionEnd.completed(
                                Optional.empty(), Usage.NONE, json, Optional.empty(), "answered from the cache"),
                        call.keeps() == Call.Keeps.CANDIDATE ? Optional.of(call.phase()) : Optional.empty());
        progress(call, "answered from the planning cache (same backend, model, prompt and contract)");
        return Optional.of(new Answer(valid.document(), json, Optional.empty()));
    }

    private void remember(Call call, String key, String json) {
        Instant expires = Instant.now().plusSeconds(services.config().agent().cacheTtlSeconds());
        services.ledger()
                .cache(
                        key,
                        services.agent().name(),
                        services.config().agent().model(),
                        call.contract().id(),
                        json,
                        expires);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    // ---- files ---------------------------------------------------------------------------------

    /** {@code <log root>/<phase>/<item or role>-<role>-<session>.jsonl}. */
    static Path rawLog(Path logRoot, PhaseName phase, Optional<String> itemKey, Role role, long session) {
        String name = role.wireName();
        return logRoot.resolve(phase.toString())
                .resolve(itemKey.map(key -> key + "-" + name).orElse(name) + "-" + session + ".jsonl");
    }

    /**
     * The folder of a lane's own CLI state ({@code <workspace>/.orchestrator/state/<lane>}), where a
     * backend keeps what calls running at once must not share (Codex's {@code CODEX_HOME}).
     */
    static Path stateDir(Project project, String lane) {
        return project.workspace().resolve(".orchestrator/state").resolve(lane);
    }

    /** Ends a lane: the backends forget the CLI state they kept in its folder. */
    static void forgetLane(PipelineServices services, Project project, String lane) {
        Path folder = stateDir(project, lane);
        if (Files.exists(folder)) {
            services.agent().forget(folder);
            services.fallback().ifPresent(f -> f.forget(folder));
            try {
                Files.deleteIfExists(folder);
            } catch (IOException e) {
                log.debug("the state folder {} is not empty; left as it is: {}", folder, e.toString());
            }
        }
    }

    /**
     * The agent's raw output, once its call's outcome is recorded: the readable log beside it keeps
     * every line (with secrets masked).
     */
    static void deleteOutput(Path logFile) {
        try {
            Files.deleteIfExists(AgentRunner.outputOf(logFile));
        } catch (IOException e) {
            log.warn("cannot remove the agent's raw output beside {}: {}", logFile, e.toString());
        }
    }

    /**
     * Writes the validated answer next to the call's raw output ({@code .json} beside the
     * {@code .jsonl}), for a person reading the logs; the database holds the one that counts, so a
     * failure to write it is only logged.
     */
    private static void keepBesideTheLog(Path log, JsonNode document) {
        Path file = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.jsonl$", ".json"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (IOException | RuntimeException e) {
            AgentCalls.log.warn("cannot write the parsed answer to {}: {}", file, e.toString());
        }
    }

    private void progress(Call call, String line) {
        services.listener().progress(project.id(), "[" + call.phase() + "] " + label(call) + line);
    }

    private static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis < 10_000 ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0) : (millis / 1000) + " s";
    }

    private static String label(Call call) {
        return call.itemKey().map(key -> key + " ").orElse("");
    }
}
