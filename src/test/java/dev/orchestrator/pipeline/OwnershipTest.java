package dev.orchestrator.pipeline;

import static dev.orchestrator.pipeline.Runs.WAIT;
import static dev.orchestrator.pipeline.Runs.begin;
import static dev.orchestrator.pipeline.Runs.progress;
import static dev.orchestrator.pipeline.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchestrator.project.Project;
import dev.orchestrator.project.ProjectId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/** One owner per project across instances sharing a database; orphans of dead owners are found and claimed. */
class OwnershipTest {
    @TempDir
    Path home;

    private TestEngine engine(String responses) {
        return TestEngine.start(home, Calls.script(home, responses), Map.of(), Optional.empty());
    }

    /** Writes a project's owner as another process would have. */
    private void own(ProjectId project, String owner, Instant heartbeat) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("orchestrator.db"));
                PreparedStatement update =
                        c.prepareStatement("UPDATE projects SET owner_instance = ?, heartbeat_at = ? WHERE id = ?")) {
            c.createStatement().execute("PRAGMA busy_timeout = 10000");
            update.setString(1, owner);
            update.setLong(2, heartbeat.toEpochMilli());
            update.setLong(3, project.value());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static String host(TestEngine t) {
        return t.engine.supervisor().instance().split(":")[0];
    }

    /** A pid no process on this host has. */
    private static long deadPid() {
        long pid = 999_999;
        while (ProcessHandle.of(pid).isPresent()) {
            pid++;
        }
        return pid;
    }

    @ConcurrentTest
    void secondInstance_cannotStartAProjectTheFirstIsRunning_untilItIsReleased() throws Exception {
        String slowAnalyst = """
                responses:
                  - role: analyst
                    delay_ms: 1000
                """;
        try (TestEngine first = engine(slowAnalyst);
                TestEngine second = engine(slowAnalyst)) {
            assertThat(first.engine.supervisor().instance())
                    .isNotEqualTo(second.engine.supervisor().instance());
            Project project = first.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> running = begin(first, project);

            Supervisor.Start refused = second.engine.supervisor().start(project.id());

            assertThat(refused)
                    .isEqualTo(new Supervisor.Start.OwnedElsewhere(
                            first.engine.supervisor().instance()));
            assertThat(second.engine.supervisor().interrupted()).doesNotContain(project.id());
            assertThat(running.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(progress(first))
                    .isEqualTo(RunOutcome.WAITING);

            // released: the second instance may take it now, and carries on where the first stopped
            var pending = (Decisions.Pending.PhaseApproval)
                    second.engine.decisions().pending(project.id()).orElseThrow();
            second.engine.decisions().approve(pending);
            assertThat(run(second, project)).as(progress(second)).isEqualTo(RunOutcome.WAITING);
            assertThat(Calls.in(home).steps()).containsExactly("analyst/ideation", "architect/architecture");
            assertThat(Runs.events(second, project, "project_claimed")
                            .getLast()
                            .path("instance")
                            .asString())
                    .isEqualTo(second.engine.supervisor().instance());
        }
    }

    @ConcurrentTest
    void projectOfADeadProcessOnThisHost_isReportedAsInterruptedAndCanBeClaimed() throws Exception {
        try (TestEngine t = engine("responses: []\n")) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            String dead = host(t) + ":" + deadPid() + ":abcd1234";
            own(project.id(), dead, Instant.now());

            assertThat(t.engine.supervisor().interrupted()).containsExactly(project.id());

            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
            assertThat(Runs.events(t, project, "project_claimed")
                            .getLast()
                            .path("previous_owner")
                            .asString())
                    .isEqualTo(dead);
            assertThat(t.engine.supervisor().interrupted()).isEmpty();
        }
    }

    @ConcurrentTest
    void projectOfAnotherInstanceOfThisProcessThatIsGone_isAnOrphan() throws Exception {
        try (TestEngine t = engine("responses: []\n")) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            // this pid, but not a live instance: an earlier process that had the same pid
            String gone = host(t) + ":" + ProcessHandle.current().pid() + ":0ld0ne00";
            own(project.id(), gone, Instant.now());

            assertThat(t.engine.supervisor().interrupted()).containsExactly(project.id());
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
        }
    }

    @ConcurrentTest
    void liveOwnerOnAnotherHost_keepsItsProject() throws Exception {
        try (TestEngine t = engine("responses: []\n")) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            own(project.id(), "elsewhere.example:4242:abcd1234", Instant.now());

            assertThat(t.engine.supervisor().interrupted()).isEmpty();
            assertThat(t.engine.supervisor().start(project.id()))
                    .isEqualTo(new Supervisor.Start.OwnedElsewhere("elsewhere.example:4242:abcd1234"));
            assertThat(Calls.in(home).all()).isEmpty();
        }
    }

    @ConcurrentTest
    void ownerWhoseHeartbeatWentStale_isAnOrphan() throws Exception {
        try (TestEngine t = engine("responses: []\n")) {
            Project project = t.service.create("a tool that renames photos by date", "photos");
            // three heartbeats (recovery.heartbeat_seconds, 10 s) without a sign of life
            own(project.id(), "elsewhere.example:4242:abcd1234", Instant.now().minus(Duration.ofSeconds(31)));

            assertThat(t.engine.supervisor().interrupted()).containsExactly(project.id());
            assertThat(run(t, project)).as(progress(t)).isEqualTo(RunOutcome.WAITING);
        }
    }

    @ConcurrentTest
    void runningProject_staysOwnedWhileItsHeartbeatBeats() throws Exception {
        String slowAnalyst = """
                responses:
                  - role: analyst
                    delay_ms: 6000
                """;
        // heartbeat every second: an owner is stale after three silent seconds
        Map<String, String> settings = Map.of("recovery.heartbeat_seconds", "1");
        try (TestEngine first = TestEngine.start(home, Calls.script(home, slowAnalyst), settings, Optional.empty());
                TestEngine second =
                        TestEngine.start(home, Calls.script(home, slowAnalyst), settings, Optional.empty())) {
            Project project = first.service.create("a tool that renames photos by date", "photos");
            CompletableFuture<RunOutcome> running = begin(first, project);
            Instant claimed = heartbeat(project.id());

            // longer ago than the stale limit, the claim alone would no longer hold it
            await().atMost(WAIT).until(() -> heartbeat(project.id()).isAfter(claimed.plusSeconds(3)));

            assertThat(running).isNotDone();
            assertThat(second.engine.supervisor().interrupted()).doesNotContain(project.id());
            assertThat(second.engine.supervisor().start(project.id()))
                    .isInstanceOf(Supervisor.Start.OwnedElsewhere.class);
            assertThat(running.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RunOutcome.WAITING);
        }
    }

    private Instant heartbeat(ProjectId project) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("orchestrator.db"));
                PreparedStatement query = c.prepareStatement("SELECT heartbeat_at FROM projects WHERE id = ?")) {
            query.setLong(1, project.value());
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return Instant.ofEpochMilli(rs.getLong(1));
            }
        }
    }
}
