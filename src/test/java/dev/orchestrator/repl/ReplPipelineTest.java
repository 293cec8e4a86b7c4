package dev.orchestrator.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.project.ProjectId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A person at the REPL approving, rejecting, viewing and answering while a real pipeline runs. */
class ReplPipelineTest {
    private static final String HINT = "press Enter to see its question";

    @TempDir
    Path home;

    private ReplDriver repl;

    @AfterEach
    void close() throws Exception {
        if (repl != null) {
            repl.close();
        }
    }

    @Test
    void approvals_viewRejectWithFeedbackThenApproveEveryCheckpoint_toACompletedProject() throws Exception {
        repl = new ReplDriver(home, "calls_log: calls.jsonl\nresponses: []\n", Map.of());
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("Approve? [Y/n/view/edit]");

        String view = repl.type("view").awaitOutput("Scripted project");
        assertThat(view).contains("ideation is ready");
        repl.type("n").awaitOutput("What should change?");
        repl.type("make it a single binary").awaitOutput("runs again with your feedback");
        // the third: view asked again before the rejection
        await(3, "Approve? [Y/n/view/edit]");
        assertThat(Files.readString(home.resolve("scripts/calls.jsonl"))).contains("make it a single binary");

        repl.type("y").awaitOutput("architecture is ready");
        await(4, "Approve? [Y/n/view/edit]");
        repl.type("").awaitOutput("task_breakdown is ready");
        await(5, "Approve? [Y/n/view/edit]");
        String done = repl.type("yes").awaitOutput("project 1 completed");

        assertThat(done).contains("[implement] W1 review: pass").contains("[test] tests pass");
        String status = repl.type("/status 1").awaitOutput("Completed: the result is in its folder");
        assertThat(status).contains("2 of 2 done");
    }

    @Test
    void questions_areAskedAsANumberedMenu_andThePhaseRunsAgainWithTheAnswers() throws Exception {
        String script = """
                calls_log: calls.jsonl
                responses:
                  - contract: requirements.v1
                    times: 1
                    json: {"contract":"requirements.v1","name":"Photos","summary":"Rename photos.",
                      "features":[{"id":"F1","title":"Rename","description":"By date","priority":"must"}],
                      "constraints":[],
                      "questions":[{"id":"Q1","question":"Which date format?","options":["2026-11-22","22.11.2026"]}]}
                """;
        repl = new ReplDriver(home, script, Map.of());
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("has 1 question about ideation");

        repl.type("").awaitOutput("1. 2026-11-22");
        repl.type("2").awaitOutput("runs again with your answers");
        repl.awaitOutput("Approve? [Y/n/view/edit]");

        assertThat(Files.readString(home.resolve("scripts/calls.jsonl"))).contains("22.11.2026");
        String status = repl.type("/status 1").awaitOutput("Waiting for your approval");
        assertThat(status).contains("/approve 1");
    }

    @Test
    void aWaitingProjectDoesNotSwallowANewIdea() throws Exception {
        repl = new ReplDriver(home, "responses: []\n", Map.of());
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("Approve? [Y/n/view/edit]");

        repl.type("a weather dashboard for my city").awaitOutput("Name [");
        repl.type("").awaitOutput("Created project 2");
    }

    @Test
    void aShortLineWhileABackgroundProjectWaits_pointsToIt_andEnterShowsItsQuestionWithoutApproving() throws Exception {
        repl = new ReplDriver(home, "responses: []\n", Map.of());
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("Approve? [Y/n/view/edit]");
        repl.service.create("a weather dashboard", "weather");
        repl.type("/switch 2").awaitOutput("Project 2 weather is in the foreground");

        String hint = repl.type("2").awaitOutput("did you mean to answer project 1? press Enter to see its question");
        assertThat(hint).contains("waits for approval of ideation");
        assertThat(repl.service.repository().counts().total()).isEqualTo(2);

        repl.type("");
        awaitAfter(HINT, "Approve? [Y/n/view/edit]");
        assertThat(repl.outputAfter(HINT)).contains("Project 1: ideation is ready");
        assertThat(repl.engine.engine.decisions().pending(new ProjectId(1))).isPresent();

        repl.type("y").awaitOutput("Approved ideation.");
        repl.awaitOutput("architecture is ready");
        assertThat(repl.service.repository().counts().total()).isEqualTo(2);
    }

    @Test
    void aShortLineAtTheForegroundApproval_theEnterAfterTheHintShowsTheQuestionInsteadOfApproving() throws Exception {
        repl = new ReplDriver(home, "responses: []\n", Map.of());
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("Approve? [Y/n/view/edit]");

        repl.type("2").awaitOutput(HINT);
        repl.type("");
        awaitAfter(HINT, "Approve? [Y/n/view/edit]");

        assertThat(repl.outputAfter(HINT))
                .contains("Project 1: ideation is ready")
                .doesNotContain("Approved");
        assertThat(repl.engine.engine.decisions().pending(new ProjectId(1))).isPresent();
        assertThat(repl.service.repository().counts().total()).isEqualTo(1);
        repl.type("n").awaitOutput("What should change?");
        repl.type("fewer features").awaitOutput("runs again with your feedback");
    }

    @Test
    void spentBudget_pausesWithTheReason_andBudgetThenResumeFinishes() throws Exception {
        repl = new ReplDriver(
                home,
                "responses:\n  - usage: {input_tokens: 1000, output_tokens: 200, cost_usd: 0.40}\n",
                Map.of("autonomy", "full", "budget.max_usd_per_project", "1"));
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("budget is spent");

        String status = repl.type("/status 1").awaitOutput("Paused; it needs your attention");
        assertThat(status).contains("Paused", "the project's budget is spent: $1.20 of $1.00", "/budget 1 <usd>");
        assertThat(status).contains("Spent", "$1.20 (3,000 tokens in, 600 out)", "Budget", "project $1.00");
        // no work item has run yet: only the planning phases cost anything
        assertThat(status).doesNotContain("Item costs");
        assertThat(repl.type("/projects").awaitOutput("/status <id> for details"))
                .contains("COST", "$1.20");

        repl.type("/budget 1 twenty").awaitOutput("is not an amount in US dollars");
        repl.type("/budget 1 20").awaitOutput("budget is now $20.00");
        repl.type("/resume 1").awaitOutput("project 1 completed");
    }

    @Test
    void swarm_viewAll_showsEachMembersFocusStatusCostAndOutput_thenTheMergedResult() throws Exception {
        String member = """
                  - role: analyst
                    prompt_contains: "Your focus: %s"
                    json: {"contract":"requirements.v1","name":"%s","summary":"Rename photos.",
                      "features":[{"id":"F1","title":"%s","description":"Works.","priority":"must"}],
                      "constraints":[],"questions":[]}
                    usage: {cost_usd: %s}
                """;
        String script = "responses:\n"
                + """
                  - role: analyst
                    prompt_contains: "You are the aggregator"
                    fail: {class: crash, message: "aggregator crashed"}
                    usage: {cost_usd: 0.004}
                  - role: analyst
                    prompt_contains: "Your focus: edge cases and risks"
                    fail: {class: crash, message: "member crashed"}
                    usage: {cost_usd: 0.003}
                """
                + member.formatted("users and use cases", "Users view", "Rename by date", "0.01")
                + member.formatted("technical feasibility and constraints", "Tech view", "Keep originals", "0.02");
        repl = new ReplDriver(home, script, Map.of("phases.ideation.pattern", "swarm", "recovery.max_retries", "0"));
        repl.awaitOutput("> ");
        repl.type("a tool that renames photos by date").awaitOutput("Name [");
        repl.type("").awaitOutput("Approve? [Y/n/view/edit]");

        repl.type("/view 1 ideation --all").awaitOutput("Result");
        org.awaitility.Awaitility.await()
                .atMost(ReplDriver.WAIT)
                .until(() -> repl.outputAfter("Result").contains("Keep originals"));
        String shown = repl.outputAfter("/view 1 ideation --all");

        assertThat(shown)
                .contains("Swarm round 1: 3 members, $0.0370 in all")
                .contains("Member 1 - users and use cases - completed - $0.01")
                .contains("Member 2 - technical feasibility and constraints - completed - $0.02")
                .contains("Member 3 - edge cases and risks - failed - $0.0030")
                .contains("crash: member crashed")
                .contains("Aggregator - failed - $0.0040")
                .contains("crash: aggregator crashed")
                .contains("the members' documents were merged deterministically");
        // each member's own document, then the merged result with both features
        assertThat(shown.indexOf("Users view")).isLessThan(shown.indexOf("Tech view"));
        String result = shown.substring(shown.indexOf("Result"));
        assertThat(result).contains("Rename by date").contains("Keep originals");
        // the members' calls count in the phase's spend
        assertThat(repl.type("/status 1").awaitOutput("Spent")).contains("$0.0370");
    }

    @Test
    void status_showsEveryRunningItemWithWhatItIsDoing() throws Exception {
        String script = """
                responses:
                  - role: planner
                    json:
                      contract: work_plan.v1
                      items:
                        - {key: W1, title: "First", description: "d", acceptance: ["a"], depends_on: [], priority: 1}
                        - {key: W2, title: "Second", description: "d", acceptance: ["a"], depends_on: [], priority: 1}
                  - role: developer
                    phase: implement
                    delay_ms: 4000
                """;
        repl = new ReplDriver(home, script, Map.of("autonomy", "full"));
        repl.awaitOutput("> ");
        repl.type("two independent files").awaitOutput("Name [");
        repl.type("").awaitOutput("W2 Second: developer at work in orchestrator/W2");

        String status = repl.type("/status 1").awaitOutput("Running");
        assertThat(status).contains("W1 First", "W2 Second", "developer at work");
        repl.awaitOutput("project 1 completed");
    }

    /** Waits until {@code text} has been shown after the last {@code marker}. */
    private void awaitAfter(String marker, String text) {
        org.awaitility.Awaitility.await()
                .atMost(ReplDriver.WAIT)
                .until(() -> repl.outputAfter(marker).contains(text));
    }

    /** Waits until {@code text} has been shown {@code times} times. */
    private void await(int times, String text) {
        org.awaitility.Awaitility.await()
                .atMost(ReplDriver.WAIT)
                .until(() -> repl.output().split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times);
    }
}
