package dev.orchestrator.store;

import static dev.orchestrator.store.generated.Tables.EVENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads writing at once: each change is committed (or rolled back) on its own, in shared transactions. */
class GroupCommitTest {
    private static final int WRITERS = 200;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /**
     * Runs one write per virtual thread while the writer is held up, so that the writes queue and
     * are committed together in one batch, then lets them go.
     *
     * @return each write's outcome: its value, or its failure
     */
    private static List<CompletableFuture<Integer>> writeTogether(
            Database db, IntFunction<Database.Change<Integer>> work) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(
                () -> db.write(dsl -> {
                    held.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }),
                command -> Thread.ofVirtual().start(command));
        assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Integer>> outcomes = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            CompletableFuture<Integer> outcome = new CompletableFuture<>();
            Database.Change<Integer> change = work.apply(i);
            outcomes.add(outcome);
            threads.add(Thread.ofVirtual().name("writer-" + i).start(() -> {
                try {
                    outcome.complete(db.change(change));
                } catch (RuntimeException e) {
                    outcome.completeExceptionally(e);
                }
            }));
        }
        // every writer waits for its commit, so all of them are queued behind the held-up writer
        await().atMost(WAIT).until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        gate.countDown();
        holder.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (Thread thread : threads) {
            assertThat(thread.join(WAIT)).isTrue();
        }
        return outcomes;
    }

    private static Database.Change<Integer> event(int i) {
        return w -> {
            SqliteProjectRepository.appendEvent(w, null, Instant.EPOCH, "write-" + i, Map.of("n", i));
            return i;
        };
    }

    /** The event types as another connection sees them: only what was committed. */
    private Set<String> committedTypes() throws Exception {
        Set<String> types = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("orchestrator.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT type FROM events")) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        return types;
    }

    @Test
    void concurrentWrites_allCommitAndEachGetsItsOwnValue() throws Exception {
        try (Database db = Database.open(dir.resolve("orchestrator.db"), Database.Durability.FULL)) {
            List<CompletableFuture<Integer>> outcomes = writeTogether(db, GroupCommitTest::event);

            for (int i = 0; i < WRITERS; i++) {
                assertThat(outcomes.get(i)).isCompletedWithValue(i);
            }
            int count = db.read(dsl -> dsl.fetchCount(EVENTS));
            assertThat(count).isEqualTo(WRITERS);
        }
        assertThat(committedTypes()).hasSize(WRITERS).contains("write-0", "write-199");
    }

    @Test
    void failingWrite_rollsBackAloneAndTheOthersInItsBatchCommit() throws Exception {
        try (Database db = Database.open(dir.resolve("orchestrator.db"), Database.Durability.FULL)) {
            List<CompletableFuture<Integer>> outcomes = writeTogether(db, i -> switch (i) {
                // fails in the application after changing something
                case 50 ->
                    w -> {
                        event(i).apply(w);
                        throw new IllegalStateException("write 50 changed its mind");
                    };
                // fails in the database (events are append-only)
                case 150 ->
                    w -> {
                        event(i).apply(w);
                        return w.dsl()
                                .update(EVENTS)
                                .set(EVENTS.TYPE, "rewritten")
                                .execute();
                    };
                default -> event(i);
            });

            assertThat(outcomes.get(50))
                    .failsWithin(Duration.ZERO)
                    .withThrowableThat()
                    .havingCause()
                    .isInstanceOf(IllegalStateException.class)
                    .withMessage("write 50 changed its mind");
            assertThat(outcomes.get(150))
                    .failsWithin(Duration.ZERO)
                    .withThrowableThat()
                    .havingCause()
                    .isInstanceOf(StoreException.class)
                    .withMessageContaining("events are append-only");
            for (int i = 0; i < WRITERS; i++) {
                if (i != 50 && i != 150) {
                    assertThat(outcomes.get(i)).isCompletedWithValue(i);
                }
            }
        }
        Set<String> committed = committedTypes();
        assertThat(committed).hasSize(WRITERS - 2).doesNotContain("write-50", "write-150", "rewritten");
        // the batch ran again after the failure: each other change is still committed exactly once
        assertThat(committedRows()).isEqualTo(WRITERS - 2);
    }

    @Test
    void failingWrite_leavesTheWriterReadyForTheNextBatch() throws Exception {
        try (Database db = Database.open(dir.resolve("orchestrator.db"), Database.Durability.FULL)) {
            writeTogether(
                    db,
                    i -> i % 2 == 0
                            ? event(i)
                            : w -> {
                                event(i).apply(w);
                                throw new IllegalStateException("odd write " + i);
                            });

            assertThat(db.change(event(1000))).isEqualTo(1000);
            assertThat(db.change(event(1001))).isEqualTo(1001);
        }
        assertThat(committedTypes()).hasSize(WRITERS / 2 + 2).contains("write-0", "write-1000", "write-1001");
        assertThat(committedRows()).isEqualTo(WRITERS / 2 + 2);
    }

    private long committedRows() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("orchestrator.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
