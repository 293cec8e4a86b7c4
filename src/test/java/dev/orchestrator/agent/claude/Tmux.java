package dev.orchestrator.agent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real pseudo-terminal: a tmux server of the test's own (its own socket) running one command in
 * a window of 200x50, whose keys the test presses and whose screen (with its scroll-back) it reads.
 * The command runs in the terminal's foreground process group, as a person's would: a Ctrl+C
 * pressed here is the kernel's SIGINT to that group.
 */
final class Tmux implements AutoCloseable {
    private final String socket = "orch-test-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * Starts {@code command} (run by {@code /bin/sh -c}, so a test may add {@code ; echo EXIT=$?})
     * in {@code folder} with {@code environment} added.
     */
    Tmux(String command, Path folder, Map<String, String> environment) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(
                List.of("new-session", "-d", "-s", "test", "-x", "200", "-y", "50", "-c", folder.toString()));
        environment.forEach((name, value) -> arguments.addAll(List.of("-e", name + "=" + value)));
        // the window stays after the command ends, so its last screen can be read
        arguments.addAll(List.of(command + "; sleep 600"));
        tmux(arguments.toArray(String[]::new));
        tmux("set-option", "-t", "test", "history-limit", "20000");
    }

    /** Presses keys as tmux names them: {@code "C-c"}, {@code "Enter"}, or text typed literally with {@link #type}. */
    Tmux press(String... keys) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("send-keys", "-t", "test"));
        arguments.addAll(List.of(keys));
        tmux(arguments.toArray(String[]::new));
        return this;
    }

    /** Types the text, then Enter. */
    Tmux type(String text) throws IOException, InterruptedException {
        tmux("send-keys", "-t", "test", "-l", text);
        return press("Enter");
    }

    /** Everything the window shows and has scrolled away. */
    String screen() {
        try {
            return tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "test");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Waits until the screen shows {@code text}; a failure shows the screen. */
    Tmux await(String text, Duration atMost) {
        try {
            org.awaitility.Awaitility.await()
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> screen().contains(text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "the terminal never showed '" + text + "' within " + atMost + "; it shows:\n" + screen(), e);
        }
        return this;
    }

    /** Waits until the screen shows {@code text} {@code times} times. */
    Tmux await(String text, int times, Duration atMost) {
        org.awaitility.Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> screen().split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times);
        return this;
    }

    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (IOException | InterruptedException e) {
            // the server is gone already
        }
    }

    private String tmux(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        if (process.exitValue() != 0 && !arguments[0].equals("kill-server")) {
            throw new IOException("tmux " + String.join(" ", arguments) + " failed: " + output);
        }
        return output;
    }
}
