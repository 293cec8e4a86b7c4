package dev.orchestrator.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator's own worktrees: made, found again, and made even when something is in the way. */
class WorktreesTest {
    @TempDir
    Path dir;

    private Git repository() {
        Git git = Git.at(dir);
        git.ensureRepository();
        return git;
    }

    @Test
    void open_makesTheItemsWorktreeOnItsBranch_andFindsTheSameOneAgain() {
        Git main = repository();
        Worktrees worktrees = Worktrees.of(main);

        Git w1 = worktrees.open("W1", main.head());

        assertThat(w1.folder()).isEqualTo(dir.resolve(".orchestrator/worktrees/W1"));
        assertThat(w1.currentBranch()).contains("orchestrator/W1");
        assertThat(worktrees.open("W1", main.head()).folder()).isEqualTo(w1.folder());
        assertThat(worktrees.ours()).hasSize(1);
        // the main checkout does not see the worktrees folder as a change
        assertThat(main.hasChanges()).isFalse();
    }

    @Test
    void open_whenAPlainFolderIsInTheWay_movesItAsideWithItsContent() throws IOException {
        Git main = repository();
        Worktrees worktrees = Worktrees.of(main);
        Path inTheWay = Files.createDirectories(worktrees.folder("W1"));
        Files.writeString(inTheWay.resolve("notes.txt"), "keep me\n");

        Git w1 = worktrees.open("W1", main.head());

        assertThat(w1.currentBranch()).contains("orchestrator/W1");
        try (Stream<Path> siblings = Files.list(worktrees.root())) {
            Path aside = siblings.filter(p -> p.getFileName().toString().startsWith("W1.left-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(aside.resolve("notes.txt")).hasContent("keep me");
        }
    }

    @Test
    void open_whenTheWorktreesFolderWasDeletedByHand_makesItAgainOnTheSameBranch() throws IOException {
        Git main = repository();
        Worktrees worktrees = Worktrees.of(main);
        Git w1 = worktrees.open("W1", main.head());
        Files.writeString(w1.folder().resolve("a.txt"), "a\n");
        String commit = w1.commitAll("W1: work", false);
        try (Stream<Path> files = Files.walk(w1.folder())) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }

        Git again = worktrees.open("W1", main.head());

        assertThat(again.head()).isEqualTo(commit);
        assertThat(again.folder().resolve("a.txt")).hasContent("a");
    }

    @Test
    void branch_isAValidBranchNameForAnyKey() throws Exception {
        assertThat(Worktrees.branch("W1")).isEqualTo("orchestrator/W1");
        assertThat(Worktrees.branch("ISSUE-12")).isEqualTo("orchestrator/ISSUE-12");
        assertThat(Worktrees.branch("ISSUE 12/a..b")).matches("orchestrator/ISSUE-12-a\\.b-[0-9a-f]{8}");
        assertThat(Worktrees.branch("x.lock")).matches("orchestrator/x-lock-[0-9a-f]{8}");
        assertThat(Worktrees.branch("..")).matches("orchestrator/item-[0-9a-f]{8}");
        for (String key : java.util.List.of("W1", "ISSUE 12/a..b", "x.lock", "..", "#12", "a@{b}")) {
            Process check =
                    new ProcessBuilder("git", "check-ref-format", "refs/heads/" + Worktrees.branch(key)).start();
            assertThat(check.waitFor()).as(Worktrees.branch(key)).isZero();
        }
    }

    @Test
    void branch_neverGivesTwoKeysTheSameBranch() {
        assertThat(Worktrees.branch("auth login")).isNotEqualTo(Worktrees.branch("auth-login"));
        assertThat(Worktrees.branch("#12")).isNotEqualTo(Worktrees.branch("12"));
        assertThat(Worktrees.branch("x.lock")).isNotEqualTo(Worktrees.branch("x-lock"));
    }
}
