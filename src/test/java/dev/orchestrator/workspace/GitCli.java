package dev.orchestrator.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The git command line as a person types it, for tests that check what the product left in a
 * repository without going through the product's own {@link Git}.
 */
public final class GitCli {
    private GitCli() {}

    /** The non-blank output lines of {@code git args...} in {@code folder}; fails unless it exits 0. */
    public static List<String> lines(Path folder, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process git = new ProcessBuilder(command)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(git.waitFor(30, TimeUnit.SECONDS))
                    .as("git " + String.join(" ", args) + " finished")
                    .isTrue();
            assertThat(git.exitValue())
                    .as("git " + String.join(" ", args) + ": " + out)
                    .isZero();
            return out.lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running git " + String.join(" ", args), e);
        }
    }

    /** How many commits on {@code main} have exactly this subject. */
    public static long commitsOnMain(Path workspace, String subject) {
        return lines(workspace, "log", "main", "--format=%s").stream()
                .filter(subject::equals)
                .count();
    }

    /**
     * Asserts that parallel work left nothing behind: no {@code orchestrator/*} branch, no worktree
     * but the main checkout, which is on {@code main} with a clean working tree.
     */
    public static void assertOnlyCleanMainLeft(Path workspace) {
        assertThat(lines(workspace, "branch", "--list", Worktrees.BRANCH_PREFIX + "*"))
                .as("orchestrator branches left")
                .isEmpty();
        assertThat(lines(workspace, "worktree", "list", "--porcelain"))
                .as("worktrees")
                .filteredOn(line -> line.startsWith("worktree "))
                .hasSize(1);
        assertThat(lines(workspace, "rev-parse", "--abbrev-ref", "HEAD")).containsExactly("main");
        assertThat(lines(workspace, "status", "--porcelain"))
                .as("main's working tree")
                .isEmpty();
    }
}
