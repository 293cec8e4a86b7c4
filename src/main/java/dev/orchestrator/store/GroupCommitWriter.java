package dev.orchestrator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer: every change to the database goes through here. Changes that arrive while a
 * commit is on its way are batched into the next transaction (group commit), each in its own
 * savepoint, so a thousand busy projects share one disk sync instead of queueing for a thousand,
 * and one failing change rolls back alone.
 *
 * <p>Threads: the connection belongs to the {@code store-writer} thread; callers block on a future
 * until their change is committed, so nothing is acknowledged before it is durable.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Most changes one transaction takes, so a flood still commits in bounded steps. */
    static final int MAX_BATCH = 512;

    private final Path file;
    private final Connection connection;
    private final DSLContext dsl;
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
        final Function<DSLContext, T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;

        Job(Function<DSLContext, T> work) {
            this.work = work;
        }

        void run(DSLContext dsl) {
            value = work.apply(dsl);
        }

        void committed() {
            result.complete(value);
        }
    }

    GroupCommitWriter(Path file, Connection connection, DSLContext dsl) {
        this.file = file;
        this.connection = connection;
        this.dsl = dsl;
        this.thread = Thread.ofPlatform().daemon().name("store-writer").start(this::loop);
    }

    /** Runs {@code work} in a transaction and returns once it is committed; its failure is rethrown. */
    <T> T write(Function<DSLContext, T> work) {
        if (Thread.currentThread() == thread) {
            // A change made while writing another (a nested call) is part of that change.
            return work.apply(dsl);
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
        List<Job<?>> applied = new ArrayList<>(batch.size());
        long started = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                for (Job<?> job : batch) {
                    statement.execute("SAVEPOINT change");
                    try {
                        job.run(dsl);
                        statement.execute("RELEASE change");
                        applied.add(job);
                    } catch (RuntimeException e) {
                        statement.execute("ROLLBACK TO change");
                        statement.execute("RELEASE change");
                        job.result.completeExceptionally(explain(e));
                    }
                }
                long committing = System.nanoTime();
                statement.execute("COMMIT");
                long done = System.nanoTime();
                workingNanos.addAndGet(committing - started);
                committingNanos.addAndGet(done - committing);
                transactions.incrementAndGet();
                changes.addAndGet(applied.size());
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(statement);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            RuntimeException failure = explain(e);
            log.error("committing {} changes to {} failed", applied.size(), file, e);
            applied.forEach(job -> job.result.completeExceptionally(failure));
            return;
        }
        applied.forEach(Job::committed);
    }

    /** Database failures become messages a person can act on; the application's own exceptions pass through. */
    private RuntimeException explain(Exception e) {
        if (e instanceof SQLException || e instanceof DataAccessException) {
            return StoreException.explain(file, e);
        }
        return (RuntimeException) e;
    }

    private static void rollbackQuietly(Statement statement) {
        try {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("rollback after a failed commit failed", e);
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
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the write connection to {} failed", file, e);
        }
    }
}
