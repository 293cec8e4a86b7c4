package dev.orchestrator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer: every change to the database goes through here. Changes that arrive while a
 * commit is on its way are batched into the next transaction (group commit), so a thousand busy
 * projects share one disk sync instead of queueing for a thousand.
 *
 * <p>A batch runs plainly, one change after another. When a change fails, the whole transaction is
 * rolled back and the batch runs again with each change in its own savepoint, so that the failing
 * change rolls back alone and the others commit: failures are rare, and two savepoint statements per
 * change would cost every change what only a failure needs. A change may therefore run twice; it
 * must change nothing but the database (values it returns are taken from its last run).
 *
 * <p>Threads: the connection and its {@link Writes} belong to the {@code store-writer} thread;
 * callers block on a future until their change is committed, so nothing is acknowledged before it
 * is durable.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Most changes one transaction takes, so a flood still commits in bounded steps. */
    static final int MAX_BATCH = 512;

    private final Path file;
    private final Writes writes;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    // Written by the writer thread only; read by anyone through stats().
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong workingNanos = new AtomicLong();
    private final AtomicLong committingNanos = new AtomicLong();

    /** One change: its work, and the value it produced, handed to the caller only after the commit. */
    private static final class Job<T> {
        final Database.Change<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;

        Job(Database.Change<T> work) {
            this.work = work;
        }

        void run(Writes writes) throws SQLException {
            value = work.apply(writes);
        }

        void committed() {
            result.complete(value);
        }
    }

    GroupCommitWriter(Path file, Connection connection, DSLContext dsl) {
        this.file = file;
        this.writes = new Writes(connection, dsl);
        this.thread = Thread.ofPlatform().daemon().name("store-writer").start(this::loop);
    }

    /** Runs {@code work} in a transaction and returns once it is committed; its failure is rethrown. */
    <T> T write(Database.Change<T> work) {
        if (Thread.currentThread() == thread) {
            // A change made while writing another (a nested call) is part of that change.
            try {
                return work.apply(writes);
            } catch (SQLException e) {
                throw explain(e);
            }
        }
        if (closed) {
            throw new StoreException("the database " + file + " is closed; the change was not saved.");
        }
        Job<T> job = new Job<>(work);
        queue.add(job);
        try {
            return job.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private void loop() {
        List<Job<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                Job<?> first = queue.take();
                if (first.work == null) {
                    return;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.removeIf(job -> job.work == null);
                commit(batch);
                batch.clear();
                if (stop) {
                    drainAfterClose();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("the store writer failed unexpectedly", e);
                batch.forEach(job -> job.result.completeExceptionally(e));
                batch.clear();
            }
        }
    }

    /** What the writer has done since it started. */
    Database.WriteStats stats() {
        return new Database.WriteStats(
                transactions.get(),
                changes.get(),
                Duration.ofNanos(workingNanos.get()),
                Duration.ofNanos(committingNanos.get()));
    }

    private void commit(List<Job<?>> batch) {
        long started = System.nanoTime();
        try {
            writes.execute("BEGIN IMMEDIATE");
            List<Job<?>> applied;
            try {
                if (runTogether(batch)) {
                    applied = batch;
                } else {
                    rollbackQuietly();
                    writes.execute("BEGIN IMMEDIATE");
                    applied = runEachAlone(batch);
                }
                long committing = System.nanoTime();
                writes.execute("COMMIT");
                long done = System.nanoTime();
                workingNanos.addAndGet(committing - started);
                committingNanos.addAndGet(done - committing);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            }
            transactions.incrementAndGet();
            changes.addAndGet(applied.size());
            applied.forEach(Job::committed);
        } catch (SQLException | RuntimeException e) {
            RuntimeException failure = explain(e);
            log.error("committing a batch of {} changes to {} failed", batch.size(), file, e);
            // the changes that failed on their own already have their failure; this does not replace it
            batch.forEach(job -> job.result.completeExceptionally(failure));
        }
    }

    /** Runs every change of the batch; false, with the transaction to roll back, when one fails. */
    private boolean runTogether(List<Job<?>> batch) {
        for (Job<?> job : batch) {
            try {
                job.run(writes);
            } catch (SQLException | RuntimeException e) {
                log.debug("a change failed in a batch of {}; running the batch again change by change", batch.size());
                return false;
            }
        }
        return true;
    }

    /** Runs each change in its own savepoint: a failing one rolls back alone and fails its caller. */
    private List<Job<?>> runEachAlone(List<Job<?>> batch) throws SQLException {
        List<Job<?>> applied = new ArrayList<>(batch.size());
        for (Job<?> job : batch) {
            writes.execute("SAVEPOINT change");
            try {
                job.run(writes);
                writes.execute("RELEASE change");
                applied.add(job);
            } catch (SQLException | RuntimeException e) {
                writes.execute("ROLLBACK TO change");
                writes.execute("RELEASE change");
                job.result.completeExceptionally(explain(e));
            }
        }
        return applied;
    }

    /** Database failures become messages a person can act on; the application's own exceptions pass through. */
    private RuntimeException explain(Exception e) {
        if (e instanceof SQLException || e instanceof DataAccessException) {
            return StoreException.explain(file, e);
        }
        return (RuntimeException) e;
    }

    /** Rolls the transaction back; SQLite may have done so already after some failures. */
    private void rollbackQuietly() {
        try {
            writes.execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("rollback of {} failed", file, e);
        }
    }

    private void drainAfterClose() {
        List<Job<?>> rest = new ArrayList<>();
        queue.drainTo(rest);
        StoreException closedError =
                new StoreException("the database " + file + " closed before the change was saved.");
        rest.forEach(job -> job.result.completeExceptionally(closedError));
    }

    /** Commits what is queued, then stops the writer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(new Job<>(null));
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writes.close();
    }
}
