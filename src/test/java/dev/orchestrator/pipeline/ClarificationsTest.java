package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.phase;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.PhaseStatus;
import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** Questions in a planning phase's answer: asked once, answered by the person, or assumed. */
class ClarificationsTest {
    /** The analyst's first answer asks two questions; later answers fall through to the next entries. */
    private static final String ASKING = """
            responses:
              - role: analyst
                times: 1
                json:
                  contract: requirements.v1
                  name: Recipe Box
                  summary: "Recipes found by ingredient."
                  features: [{id: F1, title: "Add recipes", description: "A recipe has a title.", priority: must}]
                  constraints: []
                  questions:
                    - {id: Q1, question: "Which database should store the recipes?", options: [SQLite, PostgreSQL]}
                    - {id: Q2, question: "What is the app called?", options: []}
            """;

    /** The analyst's second answer asks a new question, and repeats an answered one. */
    private static final String ASKING_AGAIN = """
              - role: analyst
                times: 1
                json:
                  contract: requirements.v1
                  name: Recipe Box
                  summary: "Recipes found by ingredient."
                  features: [{id: F1, title: "Add recipes", description: "A recipe has a title.", priority: must}]
                  constraints: []
                  questions:
                    - {id: Q1, question: "Which database should store the recipes?", options: [SQLite, PostgreSQL]}
                    - {id: Q3, question: "Should recipes have photos?", options: ["No photos", "One photo each"]}
            """;

    @TempDir
    Path home;

    private TestEngine engine(String script, Map<String, String> settings) {
        return TestEngine.start(home, Calls.script(home, script), settings, Optional.empty());
    }

    private static Decisions.Pending.Questions questions(TestEngine t, Project project) {
        Decisions.Pending pending =
                t.engine.decisions().pending(project.id()).orElseThrow(() -> new AssertionError(progress(t)));
        assertThat(pending).isInstanceOf(Decisions.Pending.Questions.class);
        return (Decisions.Pending.Questions) pending;
    }

    @ConcurrentTest
    void questions_pauseTheRunUntilTheyAreAnswered() throws Exception {
        try (TestEngine t = engine(ASKING, Map.of())) {
            Project project = t.service.create("a recipe box", "recipes");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.CLARIFYING);
            assertThat(phase(t, project, PhaseName.IDEATION).status()).isEqualTo(PhaseStatus.WAITING);
            var pending = questions(t, project);
            assertThat(pending.phase()).isEqualTo(PhaseName.IDEATION);
            assertThat(pending.open()).extracting(Clarification::key).containsExactly("Q1", "Q2");
            assertThat(pending.open().getFirst().options()).containsExactly("SQLite", "PostgreSQL");
            assertThat(pending.open()).noneMatch(Clarification::answered);
            assertThat(t.engine.store().pendingApprovals(project.id())).isEmpty();
        }
    }

    @ConcurrentTest
    void answeringSomeQuestions_keepsWaitingForTheRest() throws Exception {
        try (TestEngine t = engine(ASKING, Map.of())) {
            Project project = t.service.create("a recipe box", "recipes");
            run(t, project);

            t.engine.decisions().answer(questions(t, project).open().getFirst(), "PostgreSQL");
            assertThat(run(t, project)).isEqualTo(RunOutcome.WAITING);

            assertThat(questions(t, project).open())
                    .extracting(Clarification::key)
                    .containsExactly("Q2");
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.CLARIFYING);
            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(1);
        }
    }

    @ConcurrentTest
    void answeringAll_rerunsThePhaseWithTheAnswers() throws Exception {
        try (TestEngine t = engine(ASKING, Map.of())) {
            Project project = t.service.create("a recipe box", "recipes");
            run(t, project);
            List<Clarification> open = questions(t, project).open();

            t.engine.decisions().answer(open.get(0), "PostgreSQL");
            t.engine.decisions().answer(open.get(1), "Pantry");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            List<Calls.Call> analyst = Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION);
            assertThat(analyst).hasSize(2);
            assertThat(analyst.get(1).prompt())
                    .contains(
                            "Answers to earlier questions",
                            "Which database should store the recipes? **PostgreSQL**",
                            "What is the app called? **Pantry**");
            // the re-run asked nothing new, so the phase now waits for its approval
            assertThat(t.engine.decisions().pending(project.id()))
                    .get()
                    .isInstanceOf(Decisions.Pending.PhaseApproval.class);
            assertThat(Runs.status(t, project)).isEqualTo(ProjectStatus.WAITING_APPROVAL);
        }
    }

    @ConcurrentTest
    void secondRoundOfQuestions_isAssumedNotAsked() throws Exception {
        try (TestEngine t = engine(ASKING + ASKING_AGAIN, Map.of())) {
            Project project = t.service.create("a recipe box", "recipes");
            run(t, project);
            for (Clarification question : questions(t, project).open()) {
                t.engine.decisions().answer(question, "PostgreSQL");
            }

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            assertThat(t.engine.decisions().pending(project.id()))
                    .get()
                    .isInstanceOf(Decisions.Pending.PhaseApproval.class);
            List<Clarification> all = t.engine.store().clarifications(project.id(), PhaseName.IDEATION);
            assertThat(all).extracting(Clarification::key).containsExactly("Q1", "Q2", "Q3");
            Clarification q3 = all.get(2);
            assertThat(q3.answer()).contains("No photos");
            assertThat(q3.assumed()).isTrue();
            assertThat(all.get(0).assumed()).isFalse();
        }
    }

    @ConcurrentTest
    void fullAutonomy_assumesTheFirstOptionWithoutWaiting() throws Exception {
        try (TestEngine t = engine(ASKING, Map.of("autonomy", "full"))) {
            Project project = t.service.create("a recipe box", "recipes");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.COMPLETED);

            List<Clarification> all = t.engine.store().clarifications(project.id(), PhaseName.IDEATION);
            assertThat(all).extracting(Clarification::key).containsExactly("Q1", "Q2");
            assertThat(all).allMatch(Clarification::assumed);
            assertThat(all).extracting(q -> q.answer().orElseThrow()).containsExactly("SQLite", "(no preference)");
            assertThat(Calls.in(home).of(Role.ANALYST, PhaseName.IDEATION)).hasSize(1);
            assertThat(Calls.in(home)
                            .of(Role.ARCHITECT, PhaseName.ARCHITECTURE)
                            .getFirst()
                            .prompt())
                    .contains("Which database should store the recipes? **SQLite** (assumed)");
            assertThat(Runs.events(t, project, "assumptions_recorded")).hasSize(1);
        }
    }

    @ConcurrentTest
    void architectsQuestions_areAskedLikeTheAnalysts() throws Exception {
        String asking = """
                responses:
                  - role: architect
                    times: 1
                    json:
                      contract: architecture.v1
                      summary: "Files."
                      stack: {language: text, frameworks: [], storage: none}
                      components: [{name: files, responsibility: "Holds the files.", paths: [scripted/]}]
                      commands: {setup: "true", build: "true", test: "true", run: "true"}
                      questions: [{id: A1, question: "Which shell should the scripts use?", options: [sh, bash]}]
                """;
        try (TestEngine t = engine(asking, Map.of("phases.ideation.checkpoint", "false"))) {
            Project project = t.service.create("a recipe box", "recipes");

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            var pending = questions(t, project);
            assertThat(pending.phase()).isEqualTo(PhaseName.ARCHITECTURE);
            t.engine.decisions().answer(pending.open().getFirst(), "bash");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);

            List<Calls.Call> architect = Calls.in(home).of(Role.ARCHITECT, PhaseName.ARCHITECTURE);
            assertThat(architect).hasSize(2);
            assertThat(architect.get(1).prompt()).contains("Which shell should the scripts use? **bash**");
        }
    }

    @ConcurrentTest
    void answeringAQuestionAgain_isRefusedAndKeepsTheNewDocument() throws Exception {
        try (TestEngine t = engine(ASKING, Map.of())) {
            Project project = t.service.create("a recipe box", "recipes");
            run(t, project);
            List<Clarification> open = questions(t, project).open();
            t.engine.decisions().answer(open.get(0), "PostgreSQL");
            t.engine.decisions().answer(open.get(1), "Pantry");
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
            String rerun =
                    t.engine.store().candidate(project.id(), PhaseName.IDEATION).orElseThrow();

            assertThatThrownBy(() -> t.engine.decisions().answer(open.get(0), "SQLite"))
                    .hasMessageContaining("already answered");

            assertThat(t.engine.store().candidate(project.id(), PhaseName.IDEATION))
                    .contains(rerun);
            assertThat(t.engine
                            .store()
                            .clarifications(project.id(), PhaseName.IDEATION)
                            .getFirst()
                            .answer())
                    .contains("PostgreSQL");
            assertThat(t.engine.decisions().pending(project.id()))
                    .get()
                    .isInstanceOf(Decisions.Pending.PhaseApproval.class);
        }
    }
}
