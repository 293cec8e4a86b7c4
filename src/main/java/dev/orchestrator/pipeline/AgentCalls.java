package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Agent;
import dev.orchestrator.agent.AgentListener;
import dev.orchestrator.agent.AgentResult;
import dev.orchestrator.agent.AgentTask;
import dev.orchestrator.agent.ErrorClass;
import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.Usage;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.Validation;
import dev.orchestrator.project.Project;
import dev.orchestrator.workspace.Git;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One contract call to the agent, recorded as agent sessions: render the prompt, run the agent,
 * take the answer's JSON, validate it, and ask for a repair with the validator's messages up to
 * {@code recovery.repair_attempts} times (continuing the same agent session when the agent can).
 *
 * <p>A failed call is retried as {@link Recovery} decides (backoff, a hint when stuck, a fresh
 * session after a context overflow), then on the fallback backend if one is configured; when
 * nothing is left it throws {@link AgentPause}. Before each call the budgets are checked. A call
 * whose earlier session was interrupted (a stop, a crash) continues that session. Planning answers
 * may come from the cache ({@code agent.cache_ttl_seconds}).
 *
 * <p>Each instance is used by one thread: the project's pipeline thread, a work item's thread, or a
 * swarm member's thread ({@link Swarm} makes one instance per member), so {@code lastActivity} is
 * never shared.
 */
final class AgentCalls {
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Usage reported during a call is written at most this often; the rest at the call's end. */
    private static final Duration USAGE_EVERY = Duration.ofSeconds(2);

    private final PipelineServices services;
    private final Project project;
    private final Git git;
    private final StopSignal stop;
    private final Path logRoot;
    private final AtomicReference<String> lastActivity = new AtomicReference<>("");

    /** What the call is about and where its result goes. */
    record Call(
            Role role,
            PhaseName phase,
            String template,
            Contract contract,
            Map<String, Object> context,
            Optional<Long> itemId,
            Optional<String> itemKey,
            int attempt,
            int cycle,
            boolean candidate,
            boolean snapshot) {}

    /** A validated answer and the work tree it left. */
    record Answer(JsonNode document, String json, Optional<String> snapshot) {}

    /** A call that succeeded, with the session row it was recorded in and the usage still to record. */
    private record Ran(AgentResult result, long session, Usage unrecorded) {}

    AgentCalls(PipelineServices services, Project project, Git git, StopSignal stop) {
        this(services, project, git, stop, project.workspace().resolve(".orchestrator/logs"));
    }

    /**
     * @param git the repository (or worktree) the agent works in
     * @param logRoot where each call's raw log and parsed answer go
     */
    AgentCalls(PipelineServices services, Project project, Git git, StopSignal stop, Path logRoot) {
        this.services = services;
        this.project = project;
        this.git = git;
        this.stop = stop;
        this.logRoot = logRoot;
    }

    String lastActivity() {
        return lastActivity.get();
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
        Optional<String> cacheKey = cacheKey(call, original);
        if (cacheKey.isPresent()) {
            Optional<Answer> cached = fromCache(call, cacheKey.get());
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        String prompt = original;
        Optional<String> session = Optional.empty();
        Optional<String> interrupted = services.agent().continuesSessions()
                ? services.ledger()
                        .interruptedSession(
                                project.id(), call.phase(), call.itemId(), call.role(), call.attempt(), call.cycle())
                : Optional.empty();
        if (interrupted.isPresent()) {
            session = interrupted;
            prompt = retryPrompt(context, Map.of("error", "interrupted", "interrupted", true, "continued", true));
            progress(call, "continuing the agent's interrupted session " + interrupted.get());
        }
        int repairs = services.config().recovery().repairAttempts();
        for (int repair = 0; ; repair++) {
            Ran ran = runRecovering(call, context, original, prompt, session);
            AgentResult result = ran.result();
            Validation validation = services.contracts().validate(call.contract(), result.text());
            if (validation instanceof Validation.Valid valid) {
                String json = JSON.writeValueAsString(valid.document());
                keepBesideTheLog(call, ran.session(), valid.document());
                Optional<String> snapshot = call.snapshot()
                        ? Optional.of(git.snapshot(
                                call.phase() + " " + label(call) + call.role().wireName()))
                        : Optional.empty();
                services.store()
                        .sessionEnded(
                                ran.session(),
                                new SessionEnd(
                                        SessionEnd.Status.COMPLETED,
                                        result.sessionId(),
                                        ran.unrecorded(),
                                        Optional.of(json),
                                        Optional.empty(),
                                        Optional.empty(),
                                        snapshot,
                                        Optional.of(lastActivity.get())),
                                call.candidate() ? Optional.of(call.phase()) : Optional.empty());
                cacheKey.ifPresent(key -> remember(call, key, json));
                return new Answer(valid.document(), json, snapshot);
            }
            List<String> problems = ((Validation.Invalid) validation).problems();
            services.store()
                    .sessionEnded(
                            ran.session(),
                            new SessionEnd(
                                    SessionEnd.Status.INVALID,
                                    result.sessionId(),
                                    ran.unrecorded(),
                                    Optional.empty(),
                                    Optional.of(ErrorClass.INVALID_OUTPUT),
                                    Optional.of(String.join("; ", problems)),
                                    Optional.empty(),
                                    Optional.of(lastActivity.get())),
                            Optional.empty());
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
            String repairPrompt = services.prompts().render("common/repair", repairContext);
            if (services.agent().continuesSessions() && result.sessionId().isPresent()) {
                prompt = repairPrompt;
                session = result.sessionId();
            } else {
                prompt = original + "\n\n" + repairPrompt;
                session = Optional.empty();
            }
        }
    }

    /**
     * Runs the agent until a call succeeds, retrying failures as {@link Recovery} decides and
     * switching to the fallback backend once; each call is a session row of its own.
     */
    private Ran runRecovering(
            Call call, Map<String, Object> context, String original, String prompt, Optional<String> session)
            throws InterruptedException {
        Agent agent = services.agent();
        boolean onFallback = false;
        Recovery recovery = new Recovery(
                services.config().recovery(), () -> ThreadLocalRandom.current().nextDouble());
        while (true) {
            stop.check();
            checkBudgets(call);
            long row = services.store()
                    .sessionStarted(
                            project.id(),
                            call.phase(),
                            call.itemId(),
                            call.role(),
                            agent.name(),
                            call.attempt(),
                            call.cycle(),
                            Optional.of(call.contract()));
            Tracker tracker = new Tracker(call, row);
            AgentTask task = new AgentTask(
                    call.role(),
                    call.phase(),
                    call.itemKey(),
                    prompt,
                    git.folder(),
                    Optional.of(call.contract()),
                    session,
                    Duration.ofSeconds(services.config().agent().timeouts().callSeconds()),
                    Duration.ofSeconds(services.config().recovery().stallSeconds()),
                    rawLog(call, row));
            AgentResult result;
            try {
                result = agent.run(task, tracker);
            } catch (InterruptedException e) {
                services.store()
                        .sessionEnded(
                                row,
                                new SessionEnd(
                                        SessionEnd.Status.INTERRUPTED,
                                        tracker.agentSession(),
                                        tracker.unrecorded(tracker.reported()),
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.of("interrupted"),
                                        Optional.empty(),
                                        Optional.of(lastActivity.get())),
                                Optional.empty());
                throw e;
            }
            Usage unrecorded = tracker.unrecorded(result.usage());
            if (!(result.outcome() instanceof AgentResult.Outcome.Failure failure)) {
                return new Ran(result, row, unrecorded);
            }
            services.store()
                    .sessionEnded(
                            row,
                            new SessionEnd(
                                    SessionEnd.Status.FAILED,
                                    result.sessionId().or(tracker::agentSession),
                                    unrecorded,
                                    Optional.empty(),
                                    Optional.of(failure.errorClass()),
                                    Optional.of(failure.message()),
                                    Optional.empty(),
                                    Optional.of(lastActivity.get())),
                            Optional.empty());
            Optional<String> failedSession = result.sessionId().or(tracker::agentSession);
            Recovery.Next next =
                    recovery.next(failure, agent.continuesSessions() && failedSession.isPresent(), session.isPresent());
            String what = "the " + call.role().wireName() + " agent (" + agent.name() + ") failed ("
                    + failure.errorClass().wireName() + ": " + failure.message() + ")";
            if (next instanceof Recovery.Next.GiveUp giveUp) {
                Optional<Agent> fallback =
                        services.fallback().filter(f -> f.unavailable().isEmpty());
                if (!onFallback && fallback.isPresent()) {
                    onFallback = true;
                    agent = fallback.get();
                    recovery = new Recovery(
                            services.config().recovery(),
                            () -> ThreadLocalRandom.current().nextDouble());
                    progress(call, what + "; switching to the fallback backend " + agent.name());
                    prompt = original;
                    session = Optional.empty();
                    continue;
                }
                String diagnosis = "the " + call.role().wireName() + " agent (" + agent.name() + ") "
                        + (giveUp.hopeless() ? "cannot run: " : "") + giveUp.diagnosis();
                throw new AgentPause(giveUp.hopeless() ? AgentPause.Kind.HOPELESS : AgentPause.Kind.GAVE_UP, diagnosis);
            }
            Recovery.Next.Retry retry = (Recovery.Next.Retry) next;
            int max = services.config().recovery().maxRetries();
            progress(
                    call,
                    what + "; retry " + retry.number() + "/" + max
                            + (retry.delay().isZero() ? "" : " in " + seconds(retry.delay()))
                            + (retry.hint().isPresent() ? ", with a hint" : "")
                            + (retry.continueSession() ? ", continuing its session" : ", in a fresh session"));
            stop.sleep(retry.delay());
            Map<String, Object> facts = new HashMap<>();
            facts.put("error", failure.errorClass().wireName() + ": " + failure.message());
            facts.put("tried", tried(recovery));
            retry.hint().ifPresent(hint -> facts.put("hint", hint));
            facts.put("interrupted", false);
            facts.put("continued", retry.continueSession());
            String retryPrompt = retryPrompt(context, facts);
            if (retry.continueSession()) {
                prompt = retryPrompt;
                session = failedSession;
            } else {
                prompt = original + "\n\n" + retryPrompt;
                session = Optional.empty();
            }
        }
    }

    private String retryPrompt(Map<String, Object> context, Map<String, Object> facts) {
        Map<String, Object> retryContext = new HashMap<>(context);
        retryContext.put("retry", facts);
        return services.prompts().render("common/retry", retryContext);
    }

    private static List<Map<String, Object>> tried(Recovery recovery) {
        List<dev.orchestrator.agent.AgentResult.Outcome.Failure> failures = recovery.failures();
        List<Map<String, Object>> tried = new java.util.ArrayList<>();
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

    // ---- budgets -------------------------------------------------------------------------------

    private void checkBudgets(Call call) {
        AgentLedger.Limits limits = services.ledger().limits(project.id());
        Optional<Long> projectLimit = limits.projectMicros()
                .or(() -> services.config().budget().maxUsdPerProject().map(Money::micros));
        if (projectLimit.isPresent()) {
            long spent = services.ledger().projectSpend(project.id()).costMicros();
            if (spent >= projectLimit.get()) {
                throw new AgentPause(
                        AgentPause.Kind.BUDGET,
                        "the project's budget is spent: " + Money.usd(spent) + " of " + Money.usd(projectLimit.get())
                                + ". /budget " + project.id() + " <usd> raises it, then /resume " + project.id()
                                + ".");
            }
        }
        Optional<Long> itemLimit = limits.itemMicros()
                .or(() -> services.config().budget().maxUsdPerItem().map(Money::micros));
        if (call.itemId().isPresent() && itemLimit.isPresent()) {
            long spent = services.ledger().itemSpend(call.itemId().get()).costMicros();
            if (spent >= itemLimit.get()) {
                throw new AgentPause(
                        AgentPause.Kind.BUDGET,
                        "the budget per work item is spent on " + call.itemKey().orElse("this item") + ": "
                                + Money.usd(spent) + " of " + Money.usd(itemLimit.get()) + ". /budget "
                                + project.id() + " item <usd> raises it, then /resume " + project.id() + ".");
            }
        }
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
                .sessionStarted(
                        project.id(),
                        call.phase(),
                        call.itemId(),
                        call.role(),
                        services.agent().name() + " (cache)",
                        call.attempt(),
                        call.cycle(),
                        Optional.of(call.contract()));
        String json = JSON.writeValueAsString(valid.document());
        services.store()
                .sessionEnded(
                        row,
                        new SessionEnd(
                                SessionEnd.Status.COMPLETED,
                                Optional.empty(),
                                Usage.NONE,
                                Optional.of(json),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of("answered from the cache")),
                        call.candidate() ? Optional.of(call.phase()) : Optional.empty());
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

    // ---- helpers -------------------------------------------------------------------------------

    /**
     * Writes the validated answer next to the call's raw output ({@code .json} beside the
     * {@code .jsonl}), for a person reading the logs; the database holds the one that counts, so a
     * failure to write it is only logged.
     */
    private void keepBesideTheLog(Call call, long session, JsonNode document) {
        Path log = rawLog(call, session);
        Path file = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.jsonl$", ".json"));
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(
                    file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (java.io.IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AgentCalls.class)
                    .warn("cannot write the parsed answer to {}: {}", file, e.toString());
        }
    }

    /** {@code <log root>/<phase>/<item or role>-<role>-<session>.jsonl}. */
    private Path rawLog(Call call, long sessionId) {
        String role = call.role().wireName();
        return logRoot.resolve(call.phase().toString())
                .resolve(call.itemKey().map(key -> key + "-" + role).orElse(role) + "-" + sessionId + ".jsonl");
    }

    private void progress(Call call, String line) {
        services.listener().progress(project.id(), "[" + call.phase() + "] " + label(call) + line);
    }

    private static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis < 10_000
                ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0)
                : (millis / 1000) + " s";
    }

    private static String label(Call call) {
        return call.itemKey().map(key -> key + " ").orElse("");
    }

    /**
     * Hears one agent call: passes activity on as progress, records the agent's session id as soon
     * as it is known and the usage as it arrives (at most every {@link #USAGE_EVERY}).
     */
    private final class Tracker implements AgentListener {
        private final Call call;
        private final long row;
        private volatile Optional<String> agentSession = Optional.empty();
        private volatile Usage reported = Usage.NONE;
        private Usage recorded = Usage.NONE;
        private long recordedAt = System.nanoTime();

        Tracker(Call call, long row) {
            this.call = call;
            this.row = row;
        }

        @Override
        public void activity(String activity) {
            lastActivity.set(activity);
            call.itemKey()
                    .ifPresent(key -> services.board()
                            .report(project.id(), key, call.role().wireName() + ": " + activity));
            progress(call, activity);
        }

        @Override
        public void sessionId(String sessionId) {
            if (!agentSession.equals(Optional.of(sessionId))) {
                agentSession = Optional.of(sessionId);
                services.ledger().sessionAgentId(row, sessionId);
            }
        }

        @Override
        public synchronized void usage(Usage soFar) {
            reported = soFar;
            if (System.nanoTime() - recordedAt >= USAGE_EVERY.toNanos()) {
                Usage increment = minus(soFar, recorded);
                services.ledger().sessionUsage(row, increment);
                recorded = soFar;
                recordedAt = System.nanoTime();
            }
        }

        Optional<String> agentSession() {
            return agentSession;
        }

        Usage reported() {
            return reported;
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
}
