package dev.orchestrator.repl;

import static org.awaitility.Awaitility.await;

import dev.orchestrator.pipeline.TestEngine;
import dev.orchestrator.project.ProjectService;
import dev.orchestrator.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;

/**
 * Drives a real {@link Repl} over a dumb JLine terminal on piped streams, against a real SQLite
 * file: types lines, waits for output, and reads what the person would have seen.
 */
final class ReplDriver implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final Path home;
    final Database database;
    final ProjectService service;
    final TestEngine engine;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T10:00:00Z"));
    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final Terminal terminal;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile Repl.Exit exit;

    ReplDriver(Path home) throws IOException {
        this(home, "responses: []\n", Map.of());
    }

    /** A session whose pipelines replay {@code script} with {@code settings} on top of the defaults. */
    ReplDriver(Path home, String script, Map<String, String> settings) throws IOException {
        this.home = home;
        InstantSource clock = now::get;
        this.engine = TestEngine.start(
                home, TestEngine.script(home.resolve("scripts"), script), settings, Optional.empty(), clock);
        this.database = engine.database;
        this.service = engine.service;
        this.terminal = new DumbTerminal(
                "test", Terminal.TYPE_DUMB, new PipedInputStream(keyboard, 64 * 1024), screen, StandardCharsets.UTF_8);
        // A person's terminal turns Ctrl+C into an interrupt and knows Ctrl+D as end of input.
        Attributes attributes = terminal.getAttributes();
        attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true);
        attributes.setControlChar(Attributes.ControlChar.VINTR, 3);
        attributes.setControlChar(Attributes.ControlChar.VEOF, 4);
        terminal.setAttributes(attributes);
        Repl repl = new Repl(
                terminal,
                service,
                engine.engine,
                home.resolve("history"),
                Style.PLAIN,
                clock,
                new Repl.Setup(
                        "9.9.9", database.file(), home.resolve("logs/orchestrator.log"), List.of(), true, Map.of()));
        this.thread = Thread.ofPlatform().name("repl-under-test").start(() -> {
            try {
                exit = repl.run();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** Types a line and Enter. */
    ReplDriver type(String line) throws IOException {
        return press(line + "\n");
    }

    /** Sends raw keys: {@code "\u0003"} is Ctrl+C, {@code "\u0004"} Ctrl+D. */
    ReplDriver press(String keys) throws IOException {
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
        return this;
    }

    /** Waits until the screen shows {@code text}; returns everything shown so far. */
    String awaitOutput(String text) {
        await().atMost(WAIT).until(() -> output().contains(text) || failure != null);
        if (failure != null) {
            throw new AssertionError("the REPL failed", failure);
        }
        return output();
    }

    /** Waits until the session has ended by itself. */
    void awaitExit() {
        await().atMost(WAIT).until(() -> !thread.isAlive());
        if (failure != null) {
            throw new AssertionError("the REPL failed", failure);
        }
    }

    /** How the session ended; null while it runs. */
    Repl.Exit exit() {
        return exit;
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    String output() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    /** What was shown after the last occurrence of {@code marker}. */
    String outputAfter(String marker) {
        String all = output();
        int at = all.lastIndexOf(marker);
        return at < 0 ? "" : all.substring(at + marker.length());
    }

    @Override
    public void close() throws IOException {
        if (thread.isAlive()) {
            press("\u0003/quit\n"); // Ctrl+C drops whatever is half-typed, then leave
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        keyboard.close();
        terminal.close();
        engine.close();
    }
}
