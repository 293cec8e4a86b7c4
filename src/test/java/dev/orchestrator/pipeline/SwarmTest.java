package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.WAIT;
import static dev.orchestrator.pipeline.Runs.begin;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.ContractValidator;
import dev.orchestrator.contract.Requirements;
import dev.orchestrator.contract.Validation;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Planning phases run as swarms: members in parallel, the aggregator, the deterministic merge, resume. */
class SwarmTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String AGGREGATOR = "You are the aggregator";
    private static final String USERS = "Your focus: users and use cases";
    private static final String FEASIBILITY = "Your focus: technical feasibility and constraints";
    private static final String RISKS = "Your focus: edge cases and risks";

    @TempDir
    Path home;

    private TestEngine engine(String responses, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("phases.ideation.pattern", "swarm");
        all.put("recovery.max_retries", "0");
        all.put("recovery.repair_attempts", "0");
        all.put("recovery.shutdown_grace_seconds", "1");
        all.putAll(settings);
        return TestEngine.start(
                home,
                Calls.script(home, responses.isEmpty() ? "responses: []\n" : "responses:\n" + responses),
                all,
                Optional.empty());
    }

    /** A script entry answering the ideation call whose prompt contains {@code marker} with requirements. */
    private static String requirements(String marker, String name, String features, String questions, String cost) {
        return """
                  - role: analyst
                    prompt_contains: "%s"
                    json:
                      contract: requirements.v1
                      name: "%s"
                      summary: "Rename photos by the date they were taken."
                      features: [%s]
                      constraints: ["Runs offline"]
                      questions: [%s]
                    usage: {input_tokens: 100, output_tokens: 50, cost_usd: %s}
                """.formatted(marker, name, features, questions, cost);
    }

    private static String failing(String marker, String message) {
        return """
                  - role: analyst
                    prompt_contains: "%s"
                    fail: {class: crash, message: "%s"}
                    usage: {cost_usd: 0.001}
                """.formatted(marker, message);
    }

    private static String feature(String id, String title, String priority) {
        return "{id: %s, title: \"%s\", description: \"Works.\", priority: %s}".formatted(id, title, priority);
    }

    private static final String MEMBERS = requirements(
                    USERS,
                    "Users",
                    feature("F1", "Add items", "should") + ", " + feature("F2", "List items", "must"),
                    "",
                    "0.01")
            + requirements(FEASIBILITY, "Feasible", feature("F1", "add  items!", "must"), "", "0.02")
            + requirements(RISKS, "Risky", feature("F1", "Reject duplicates", "could"), "", "0.03");

    /** Three members and an aggregator that all answer. */
    private static final String ANSWERING_SWARM =
            requirements(AGGREGATOR, "Aggregated", feature("F1", "Rename by date", "must"), "", "0.05") + MEMBERS;

    private static List<JsonNode> ideationSessions(TestEngine t, Project project) {
        return Runs.sessions(t, project).stream()
                .filter(s -> s.path("phase").asString().equals("ideation"))
                .toList();
    }

    private static Requirements candidate(TestEngine t, Project project) {
        return Requirements.from(JSON.readTree(
                t.engine.store().candidate(project.id(), PhaseName.IDEATION).orElseThrow()));
    }

    @ConcurrentTest
    void swarmOfThree_allAnswer_theAggregatorsAnswerIsTheCandidateAndEveryMemberIsRecorded() throws Exception {
        try (TestEngine t = engine(ANSWERING_SWARM, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.WAITING_APPROVAL);
            assertThat(candidate(t, project).name()).isEqualTo("Aggregated");
            List<JsonNode> sessions = ideationSessions(t, project);
            assertThat(sessions).extracting(s -> s.path("status").asString()).containsOnly("completed");
            assertThat(sessions).extracting(s -> s.path("attempt").asInt()).containsOnly(1);
            assertThat(sessions.subList(0, 3))
                    .extracting(s -> s.path("cycle").asInt())
                    .containsExactlyInAnyOrder(1, 2, 3);
            // the aggregator comes last, as the phase's own answer (cycle 0)
            assertThat(sessions.getLast().path("cycle").asInt()).isZero();
            assertThat(t.engine
                            .ledger()
                            .phaseSpend(project.id())
                            .get(PhaseName.IDEATION)
                            .costMicros())
                    .isEqualTo(110_000);

            List<Calls.Call> calls = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            assertThat(calls).hasSize(4);
            assertThat(calls.subList(0, 3))
                    .extracting(c -> c.prompt().contains(USERS)
                            ? "users"
                            : c.prompt().contains(FEASIBILITY)
                                    ? "feasibility"
                                    : c.prompt().contains(RISKS) ? "risks" : "?")
                    .containsExactlyInAnyOrder("users", "feasibility", "risks");
            assertThat(calls.getFirst().prompt()).contains("member").contains("of a swarm of 3 agents");
            String aggregator = calls.getLast().prompt();
            assertThat(aggregator)
                    .contains(AGGREGATOR)
                    .contains("### Member 1: users and use cases")
                    .contains("### Member 3: edge cases and risks")
                    .contains("\"List items\"", "\"add  items!\"", "\"Reject duplicates\"")
                    .doesNotContain("Members that failed");
            assertThat(progress(t))
                    .contains("[ideation] swarm of 3 analysts at work: 1 users and use cases, "
                            + "2 technical feasibility and constraints, 3 edge cases and risks")
                    .contains("[ideation] aggregator merging 3 of 3 documents");
        }
    }

    @ConcurrentTest
    void oneFailingMemberAndAFailingAggregator_theOthersAreMergedDeterministicallyAndTheFailuresRecorded()
            throws Exception {
        String responses = failing(AGGREGATOR, "aggregator crashed")
                + requirements(
                        USERS,
                        "Users",
                        feature("F1", "Add items", "should") + ", " + feature("F2", "List items", "must"),
                        "{id: Q1, question: \"Where is data kept?\", options: [\"A file\"]}",
                        "0.01")
                + requirements(
                        FEASIBILITY,
                        "Feasible",
                        feature("F1", "add  items!", "must") + ", " + feature("F2", "Export CSV", "could"),
                        "{id: Q1, question: \"where is data KEPT\", options: []}",
                        "0.02")
                + failing(RISKS, "member crashed");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            // the merged question is asked
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.CLARIFYING);
            String merged =
                    t.engine.store().candidate(project.id(), PhaseName.IDEATION).orElseThrow();
            assertThat(ContractValidator.load().validate(Contract.REQUIREMENTS, "```json\n" + merged + "\n```"))
                    .isInstanceOf(Validation.Valid.class);
            Requirements requirements = Requirements.from(JSON.readTree(merged));
            assertThat(requirements.name()).isEqualTo("Users");
            assertThat(requirements.features())
                    .extracting(f -> f.id() + " " + f.title() + " " + f.priority())
                    .containsExactly("F1 Add items must", "F2 List items must", "F3 Export CSV could");
            assertThat(requirements.questions()).extracting(q -> q.question()).containsExactly("Where is data kept?");

            JsonNode memberFailed =
                    Runs.events(t, project, "swarm_member_failed").getFirst();
            assertThat(memberFailed.path("member").asInt()).isEqualTo(3);
            assertThat(memberFailed.path("focus").asString()).isEqualTo("edge cases and risks");
            assertThat(memberFailed.path("error").asString()).contains("member crashed");
            assertThat(Runs.events(t, project, "swarm_aggregator_failed")
                            .getFirst()
                            .path("error")
                            .asString())
                    .contains("aggregator crashed");
            assertThat(Runs.events(t, project, "output_stored"))
                    .extracting(e -> e.path("source").asString())
                    .contains("merge");
            assertThat(progress(t))
                    .contains("[ideation] swarm member 3 (edge cases and risks) failed: ")
                    .contains("[ideation] aggregator merging 2 of 3 documents")
                    .contains("merging the members' documents deterministically");
            // the aggregator heard which member failed
            String aggregator = Calls.in(home).all().stream()
                    .filter(c -> c.prompt().contains(AGGREGATOR))
                    .findFirst()
                    .orElseThrow()
                    .prompt();
            assertThat(aggregator).contains("Members that failed").contains("Member 3 (edge cases and risks): ");
            // failed calls are kept with their cost
            assertThat(ideationSessions(t, project))
                    .extracting(s ->
                            s.path("cycle").asInt() + " " + s.path("status").asString())
                    .contains("3 failed", "0 failed");
        }
    }

    @ConcurrentTest
    void everyMemberFails_thePhasePausesAsASingleAgentsFailureWould() throws Exception {
        String responses = failing(USERS, "one") + failing(FEASIBILITY, "two") + failing(RISKS, "three");
        try (TestEngine t = engine(responses, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.PAUSED);
            assertThat(t.engine.store().candidate(project.id(), PhaseName.IDEATION))
                    .isEmpty();
            assertThat(progress(t))
                    .contains("[ideation] paused: all 3 swarm members failed: member 1 (users and use cases)");
            assertThat(Runs.events(t, project, "swarm_member_failed")).hasSize(3);
            assertThat(Calls.in(home).all()).noneMatch(c -> c.prompt().contains(AGGREGATOR));
        }
    }

    @ConcurrentTest
    void resumeAfterTheMembersFinished_runsOnlyTheAggregator() throws Exception {
        String slowAggregator = """
                  - role: analyst
                    prompt_contains: "%s"
                    delay_ms: 60000
                """.formatted(AGGREGATOR);
        Project project;
        try (TestEngine t = engine(slowAggregator + MEMBERS, Map.of())) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            await().atMost(WAIT)
                    .until(() -> ideationSessions(t, project).stream()
                            .anyMatch(s -> s.path("cycle").asInt() == 0));

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(ideationSessions(t, project).getLast().path("status").asString())
                    .isEqualTo("interrupted");
        }

        // the aggregator's interrupted agent session is continued, told that it was cut off
        String responses = requirements(
                        "interrupted before it finished",
                        "Aggregated",
                        feature("F1", "Rename by date", "must"),
                        "",
                        "0.05")
                + MEMBERS;
        try (TestEngine t = engine(responses, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(candidate(t, project).name()).isEqualTo("Aggregated");
            List<Calls.Call> calls = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            // three members in the first run, the aggregator alone in the second
            assertThat(calls).hasSize(4);
            assertThat(calls.subList(0, 3)).noneMatch(c -> c.prompt().contains(AGGREGATOR) || c.continued());
            assertThat(calls.getLast().continued()).isTrue();
            assertThat(ideationSessions(t, project))
                    .extracting(s ->
                            s.path("cycle").asInt() + " " + s.path("status").asString())
                    .containsExactlyInAnyOrder(
                            "1 completed", "2 completed", "3 completed", "0 interrupted", "0 completed");
            assertThat(progress(t)).contains("[ideation] swarm: members 1, 2, 3 finished before; running none");
        }
    }

    @ConcurrentTest
    void stopWhileAMemberWorks_endsItAfterTheGrace_andTheResumeRunsOnlyThatMemberAndTheAggregator() throws Exception {
        String slowRisks = """
                  - role: analyst
                    prompt_contains: "%s"
                    delay_ms: 60000
                """.formatted(RISKS);
        Project project;
        try (TestEngine t = engine(slowRisks + ANSWERING_SWARM, Map.of())) {
            project = t.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> done = begin(t, project);
            await().atMost(WAIT)
                    .until(() -> ideationSessions(t, project).stream()
                                    .filter(s -> s.path("status").asString().equals("completed"))
                                    .count()
                            == 2);

            t.engine.supervisor().stop(project.id(), "stopped by the test");

            assertThat(done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(t))
                    .isEqualTo(RunOutcome.STOPPED);
            assertThat(ideationSessions(t, project))
                    .extracting(s ->
                            s.path("cycle").asInt() + " " + s.path("status").asString())
                    .containsExactlyInAnyOrder("1 completed", "2 completed", "3 interrupted");
        }

        String responses = requirements(
                        "interrupted before it finished",
                        "Risky",
                        feature("F1", "Reject duplicates", "could"),
                        "",
                        "0.03")
                + ANSWERING_SWARM;
        try (TestEngine t = engine(responses, Map.of())) {
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(candidate(t, project).name()).isEqualTo("Aggregated");
            assertThat(progress(t))
                    .contains("[ideation] swarm: members 1, 2 finished before; running 3 edge cases and risks");
            List<Calls.Call> calls = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            // members 1 and 2 in the first run; member 3 (continuing its session) and the aggregator in the second
            assertThat(calls).hasSize(4);
            assertThat(calls.get(2).continued()).isTrue();
            assertThat(calls.get(3).prompt()).contains(AGGREGATOR).contains("\"Reject duplicates\"");
        }
    }

    @ConcurrentTest
    void swarmsOnEveryPlanningPhase_carryAProjectToItsEnd() throws Exception {
        Map<String, String> settings = Map.of(
                "autonomy", "full",
                "phases.architecture.pattern", "swarm",
                "phases.task_breakdown.pattern", "swarm",
                "phases.task_breakdown.swarm_size", "4");
        try (TestEngine t = engine("", settings)) {
            Project project = t.service.create("a tool that renames photos by date", "photos");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            Map<String, Long> perStep = Calls.in(home).perStep();
            assertThat(perStep).containsEntry("analyst/ideation", 4L);
            assertThat(perStep).containsEntry("architect/architecture", 4L);
            // four members (the fourth takes the first focus again) and the aggregator
            assertThat(perStep).containsEntry("planner/task_breakdown", 5L);
            assertThat(Calls.in(home).of(Role.PLANNER, PhaseName.TASK_BREAKDOWN).stream()
                            .filter(c -> c.prompt().contains(USERS))
                            .count())
                    .isEqualTo(2);
        }
    }

    @ConcurrentTest
    void rejection_startsAFreshSwarmWithTheFeedback() throws Exception {
        try (TestEngine t = engine(ANSWERING_SWARM, Map.of())) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            Approval approval = t.engine
                    .store()
                    .latestApproval(project.id(), PhaseName.IDEATION)
                    .orElseThrow();
            t.engine.decisions().reject(approval, "keep it to one binary");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            List<Calls.Call> calls = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            assertThat(calls).hasSize(8);
            assertThat(calls.subList(4, 8)).allMatch(c -> c.prompt().contains("keep it to one binary"));
            assertThat(ideationSessions(t, project).subList(4, 8))
                    .extracting(s -> s.path("attempt").asInt())
                    .containsOnly(2);
        }
    }
}
