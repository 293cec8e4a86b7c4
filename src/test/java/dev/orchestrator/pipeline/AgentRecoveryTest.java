package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.WAIT;
import static dev.orchestrator.pipeline.Runs.begin;
import static dev.orchestrator.pipeline.Runs.item;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.Role;
import dev.orchestrator.agent.ScriptedAgent;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import dev.orchestrator.store.SqliteAgentLedger;
import dev.orchestrator.work.WorkItemStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Failed agent calls: retries with backoff and hints, escalation, the fallback backend, budgets, the cache. */
class AgentRecoveryTest {
    /** W2 depends on W1; W3 does not. */
    private static final String PLAN = Documents.plan("W1:1", "W2:2:W1", "W3:3");

    @TempDir
    Path home;

    private TestEngine engine(String responses, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("autonomy", "full");
        all.put("recovery.backoff_seconds", "0");
        all.put("recovery.backoff_max_seconds", "0");
        all.putAll(settings);
        return TestEngine.start(home, Calls.script(home, "responses:\n" + PLAN + responses), all, Optional.empty());
    }

    private static List<String> outcomes(List<Calls.Call> calls) {
        return calls.stream().map(Calls.Call::outcome).toList();
    }

    private static String prompt(List<Calls.Call> calls, int index) {
        return calls.get(index).prompt();
    }

    @ConcurrentTest
    void rateLimitedTwice_isRetriedAndTheItemCompletes_firstContinuingTheSessionThenAfresh() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    times: 2
                    fail: {class: rate_limit, message: "429 Too Many Requests"}
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> developer = Calls.in(home).of(Role.DEVELOPER, "W1");
            assertThat(outcomes(developer)).containsExactly("rate_limit", "rate_limit", "success");
            // the first retry continues the agent's session with a short message
            assertThat(developer.get(1).continued()).isTrue();
            assertThat(prompt(developer, 1))
                    .contains("ended with an error: rate_limit: 429 Too Many Requests")
                    .contains("Continue the task where you left off")
                    .contains("dev_result.v1");
            // the same failure twice: a fresh session, with the task restated and what was tried
            assertThat(developer.get(2).continued()).isFalse();
            assertThat(prompt(developer, 2))
                    .contains("W1", "What was already tried", "attempt 1: rate_limit", "attempt 2: rate_limit");
            assertThat(progress(t))
                    .contains("W1 the developer agent (scripted) failed (rate_limit: 429 Too Many Requests); retry 1/3")
                    .contains("retry 2/3");
            List<JsonNode> sessions = Runs.sessions(t, project).stream()
                    .filter(s -> s.path("role").asString().equals("developer"))
                    .filter(s -> s.path("phase").asString().equals("implement"))
                    .toList();
            assertThat(sessions)
                    .extracting(s -> s.path("status").asString())
                    .startsWith("failed", "failed", "completed");
            assertThat(sessions.getFirst().path("error_class").asString()).isEqualTo("rate_limit");
        }
    }

    @ConcurrentTest
    void retryAfter_isHonouredEvenWithoutBackoff() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    times: 1
                    fail: {class: overloaded, message: "529 overloaded", retry_after_ms: 800}
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            long started = System.nanoTime();

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
            assertThat(progress(t)).contains("retry 1/3 in 0.8 s");
        }
    }

    @ConcurrentTest
    void stalledAgent_isEndedAtTheStallWindowAndRetriedWithAHint() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    times: 1
                    delay_ms: 20000
                """;
        try (TestEngine t = engine(responses, Map.of("recovery.stall_seconds", "1"))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            long started = System.nanoTime();

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            List<Calls.Call> developer = Calls.in(home).of(Role.DEVELOPER, "W1");
            assertThat(outcomes(developer)).containsExactly("stall", "success");
            assertThat(prompt(developer, 1))
                    .contains("## Advice", "Never run a command that waits for input or serves forever");
        }
    }

    @ConcurrentTest
    void theSameErrorThreeTimes_isStuck_andTheNextRetryCarriesAHint() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    times: 3
                    fail: {class: api_error, message: "500 internal error"}
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> developer = Calls.in(home).of(Role.DEVELOPER, "W1");
            assertThat(outcomes(developer)).containsExactly("api_error", "api_error", "api_error", "success");
            assertThat(prompt(developer, 1)).doesNotContain("## Advice");
            assertThat(prompt(developer, 2)).doesNotContain("## Advice");
            assertThat(prompt(developer, 3)).contains("## Advice", "This task has failed 3 times");
        }
    }

    @ConcurrentTest
    void retriesRunOut_inFullAutonomy_theItemNeedsAttentionAndIndependentWorkGoesOn() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    fail: {class: overloaded, message: "529 overloaded"}
                """;
        try (TestEngine t = engine(responses, Map.of("recovery.max_retries", "1"))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.FAILED);

            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(2);
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.NEEDS_ATTENTION);
            assertThat(item(t, project, "W1").findings().orElseThrow())
                    .contains("agent gave up", "failed 2 times (overloaded x2)", "wait for your usage limit");
            assertThat(item(t, project, "W3").status()).isEqualTo(WorkItemStatus.DONE);
            assertThat(item(t, project, "W2").status()).isEqualTo(WorkItemStatus.TODO);
        }
    }

    @ConcurrentTest
    void retriesRunOut_inCheckpointAutonomy_theProjectPausesAtOnceWithTheDiagnosis() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    fail: {class: crash, message: "exited with code 1 without a result"}
                """;
        Map<String, String> checkpoint = Map.of(
                "autonomy", "checkpoint",
                "recovery.max_retries", "1",
                "phases.implement.max_parallel", "1",
                "phases.ideation.checkpoint", "false",
                "phases.architecture.checkpoint", "false",
                "phases.task_breakdown.checkpoint", "false");
        try (TestEngine t = engine(responses, checkpoint)) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            Decisions.Pending pending =
                    t.engine.decisions().pending(project.id()).orElseThrow();
            assertThat(pending).isInstanceOf(Decisions.Pending.ItemDecision.class);
            assertThat(pending.toString()).contains("W1", "agent gave up", "keeps crashing");
            // paused at once: no item starts after W1 (one at a time here), so the independent W3 has not run
            assertThat(item(t, project, "W3").status()).isEqualTo(WorkItemStatus.TODO);
        }
    }

    @ConcurrentTest
    void authenticationFailure_pausesTheProjectAtOnceWithTheFix() throws Exception {
        String responses = """
                  - role: analyst
                    fail: {class: authentication, message: "not logged in: run 'claude login' or set ANTHROPIC_API_KEY"}
                """;
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(1);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.PAUSED);
            assertThat(Runs.events(t, project, "project_paused")
                            .getLast()
                            .path("reason")
                            .asString())
                    .contains("cannot run", "claude login");
        }
    }

    @ConcurrentTest
    void backendFailingForGood_switchesToTheFallbackBackend() throws Exception {
        String responses = """
                  - role: developer
                    item: W1
                    fail: {class: crash, message: "segmentation fault"}
                """;
        Path fallbackScript = TestEngine.script(home.resolve("fallback"), "calls_log: calls.jsonl\nresponses: []\n");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("autonomy", "full");
        settings.put("recovery.backoff_seconds", "0");
        settings.put("recovery.backoff_max_seconds", "0");
        settings.put("recovery.max_retries", "1");
        try (TestEngine t = TestEngine.withFallback(
                home,
                Calls.script(home, "responses:\n" + PLAN + responses),
                settings,
                new ScriptedAgent(fallbackScript))) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Calls.in(home).of(Role.DEVELOPER, "W1")).hasSize(2);
            assertThat(progress(t)).contains("switching to the fallback backend scripted");
            assertThat(item(t, project, "W1").status()).isEqualTo(WorkItemStatus.DONE);
        }
    }

    @ConcurrentTest
    void spentBudget_pausesBeforeTheNextCall_andARaisedLimitLetsResumeFinish() throws Exception {
        // every call costs $0.40: the third call reaches $1.20, so the fourth is not made
        String responses = """
                  - usage: {input_tokens: 1000, output_tokens: 100, cost_usd: 0.40}
                """;
        String withCosts = "responses:\n"
                + Documents.plan("W1:1").replace("    json:", "    usage: {cost_usd: 0.40}\n    json:") + responses;
        Map<String, String> settings = Map.of("autonomy", "full", "budget.max_usd_per_project", "1");
        try (TestEngine t = TestEngine.start(home, Calls.script(home, withCosts), settings, Optional.empty())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(Calls.in(home).all()).hasSize(3);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.PAUSED);
            assertThat(progress(t))
                    .contains("the project's budget is spent: $1.20 of $1.00", "/budget " + project.id());
            var ledger = new SqliteAgentLedger(t.database, InstantSource.system());
            assertThat(ledger.projectSpend(project.id()).costMicros()).isEqualTo(1_200_000);
            assertThat(ledger.phaseSpend(project.id())).containsKeys(PhaseName.IDEATION, PhaseName.ARCHITECTURE);
            JsonNode spend = Runs.export(t, project).path("spend");
            assertThat(spend.path("total").path("cost_micros").asLong()).isEqualTo(1_200_000);
            assertThat(spend.path("phases")
                            .path("ideation")
                            .path("input_tokens")
                            .asLong())
                    .isPositive();

            ledger.setLimits(project.id(), new AgentLedger.Limits(Optional.of(100_000_000L), Optional.empty()));

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(ledger.itemSpends(project.id())).hasSize(1);
            // the parsed answer lies next to each call's raw log
            try (var logs = java.nio.file.Files.walk(project.workspace().resolve(".orchestrator/logs/implement"))) {
                assertThat(logs.map(f -> f.getFileName().toString()))
                        .anyMatch(name -> name.matches("W1-developer-\\d+\\.json"));
            }
        }
    }

    @ConcurrentTest
    void planningCache_answersTheSamePlanningPromptWithoutTheAgent() throws Exception {
        // an override of the ideation template that leaves out the project's name: two projects
        // with the same idea then send the same prompt
        Path prompts = home.resolve("prompts");
        java.nio.file.Files.createDirectories(prompts.resolve("ideation"));
        java.nio.file.Files.writeString(
                prompts.resolve("ideation/requirements.md"), "The idea: {{project.idea}}\n{{> common/contract}}\n");
        Map<String, String> settings =
                Map.of("autonomy", "full", "agent.cache_ttl_seconds", "3600", "prompts.dir", prompts.toString());
        try (TestEngine t =
                TestEngine.start(home, Calls.script(home, "responses:\n" + PLAN), settings, Optional.empty())) {
            Project first = t.service.create("a tool that renames photos by date", "photos");
            Project second = t.service.create("a tool that renames photos by date", "photos-again");

            assertThat(run(t, first)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);
            assertThat(run(t, second)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(1);
            // the architect's prompt names the project: asked twice
            assertThat(Calls.in(home).of(Role.ARCHITECT, PhaseName.ARCHITECTURE))
                    .hasSize(2);
            assertThat(progress(t)).contains("[ideation] answered from the planning cache");
            assertThat(Runs.sessions(t, second).getFirst().path("runner").asString())
                    .isEqualTo("scripted (cache)");
        }
    }

    @ConcurrentTest
    void interruptedAgentSession_isContinuedOnResume() throws Exception {
        Path slow = Calls.script(home, "responses:\n" + PLAN + """
                  - role: developer
                    item: W1
                    delay_ms: 20000
                """);
        Project project;
        try (TestEngine t = TestEngine.start(home, slow, Map.of("autonomy", "full"), Optional.empty())) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            await().atMost(WAIT)
                    .until(() -> Runs.sessions(t, project).stream()
                            .anyMatch(s -> s.path("role").asString().equals("developer")
                                    && s.path("phase").asString().equals("implement")
                                    && !s.path("external_session_id").isNull()));
            t.engine.supervisor().stopAll(Duration.ofMillis(200), step -> {});
            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RunOutcome.STOPPED);
        }
        Path quick = Calls.script(home, "responses:\n" + PLAN);
        try (TestEngine t = TestEngine.start(home, quick, Map.of("autonomy", "full"), Optional.empty())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Calls.Call> developer = Calls.in(home).of(Role.DEVELOPER, "W1");
            assertThat(developer).hasSize(1);
            assertThat(developer.getFirst().continued()).isTrue();
            assertThat(developer.getFirst().prompt()).contains("interrupted before it finished");
            assertThat(progress(t)).contains("continuing the agent's interrupted session scripted-");
        }
    }
}
