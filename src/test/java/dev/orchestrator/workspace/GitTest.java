package dev.orchestrator.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTest {
    @TempDir
    Path dir;

    private Path write(Path folder, String name, String text) throws IOException {
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private Git newRepository() {
        Git git = Git.at(dir);
        git.ensureRepository();
        return git;
    }

    @Test
    void ensureRepository_initialisesOnMainWithAnEmptyFirstCommit() {
        Git git = Git.at(dir);
        assertThat(git.isRepository()).isFalse();

        String head = git.ensureRepository();

        assertThat(git.isRepository()).isTrue();
        assertThat(head).matches("[0-9a-f]{40}");
        assertThat(git.head()).isEqualTo(head);
        assertThat(git.log(10)).containsExactly("Start project");
        assertThat(dir.resolve(".git/HEAD")).content().contains("refs/heads/main");
    }

    @Test
    void ensureRepository_isIdempotent() throws IOException {
        Git git = Git.at(dir);
        String first = git.ensureRepository();

        String second = git.ensureRepository();

        assertThat(second).isEqualTo(first);
        assertThat(git.log(10)).containsExactly("Start project");
        assertThat(Files.readAllLines(dir.resolve(".git/info/exclude")))
                .filteredOn(line -> line.contains(".orchestrator"))
                .containsExactly(Git.EXCLUDED);
    }

    @Test
    void ensureRepository_keepsTheOrchestratorFolderOutOfCommits() throws IOException {
        Git git = newRepository();
        write(dir, ".orchestrator/logs/run.log", "log line\n");

        assertThat(git.hasChanges()).isFalse();
        assertThat(git.commitIfChanged("nothing")).isEmpty();
    }

    @Test
    void ensureRepository_takesOverAnExistingRepositoryWithoutRewritingIt() throws IOException {
        Git git = newRepository();
        write(dir, "a.txt", "a\n");
        String head = git.commitAll("Add a", false);
        Files.writeString(dir.resolve(".git/info/exclude"), "*.tmp"); // no newline at the end

        assertThat(git.ensureRepository()).isEqualTo(head);
        assertThat(Files.readAllLines(dir.resolve(".git/info/exclude"))).contains("*.tmp", Git.EXCLUDED);
    }

    @Test
    void ensureRepository_failsForAMissingFolder() {
        assertThatThrownBy(() -> Git.at(dir.resolve("absent")).ensureRepository())
                .isInstanceOf(GitException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void isRepository_isFalseForAFolderInsideAnotherRepository() throws IOException {
        newRepository();
        Path inner = Files.createDirectories(dir.resolve("projects/inner"));
        Git git = Git.at(inner);

        assertThat(git.isRepository()).isFalse();

        git.ensureRepository();
        assertThat(git.isRepository()).isTrue();
        assertThat(inner.resolve(".git")).isDirectory();
        assertThat(git.log(10)).containsExactly("Start project");
    }

    @Test
    void isRepository_isFalseForAMissingFolder() {
        assertThat(Git.at(dir.resolve("absent")).isRepository()).isFalse();
    }

    @Test
    void hasChanges_seesEditsAndNewFilesButNotIgnoredOnes() throws IOException {
        Git git = newRepository();
        write(dir, ".gitignore", "node_modules/\n");
        git.commitAll("Ignore dependencies", false);
        assertThat(git.hasChanges()).isFalse();

        write(dir, "node_modules/lib/index.js", "ignored\n");
        assertThat(git.hasChanges()).isFalse();

        write(dir, "deep/new/file.txt", "new\n");
        assertThat(git.hasChanges()).isTrue();
        git.commitAll("Add file", false);
        assertThat(git.hasChanges()).isFalse();

        write(dir, "deep/new/file.txt", "edited\n");
        assertThat(git.hasChanges()).isTrue();
    }

    @Test
    void commitAll_commitsEverythingAndReturnsTheNewHead() throws IOException {
        Git git = newRepository();
        String start = git.head();
        write(dir, "src/app.py", "print('hi')\n");

        String head = git.commitAll("Add the app\n\nWith a body.", false);

        assertThat(head).isNotEqualTo(start).isEqualTo(git.head());
        assertThat(git.subject(head)).isEqualTo("Add the app");
        assertThat(git.isAncestor(start, head)).isTrue();
        assertThat(git.isAncestor(head, start)).isFalse();
        assertThat(git.hasChanges()).isFalse();
    }

    @Test
    void commitAll_passesTheMessageVerbatimWithoutAShell() throws IOException {
        Git git = newRepository();
        write(dir, "x.txt", "x\n");
        String message = "#3 -m \"quoted\" $(touch pwned) `id`; 'single' ünïcödé";

        String head = git.commitAll(message, false);

        assertThat(git.subject(head)).isEqualTo(message);
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void commitAll_allowsAnEmptyCommitOnlyWhenAsked() {
        Git git = newRepository();

        String head = git.commitAll("Checkpoint", true);

        assertThat(git.log(10)).containsExactly("Checkpoint", "Start project");
        assertThat(git.head()).isEqualTo(head);
        assertThatThrownBy(() -> git.commitAll("Nothing", false))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("git commit")
                .hasMessageContaining("nothing to commit");
    }

    @Test
    void commitIfChanged_commitsOnlyWhenSomethingChanged() throws IOException {
        Git git = newRepository();
        assertThat(git.commitIfChanged("Nothing")).isEmpty();

        write(dir, "a.txt", "a\n");

        assertThat(git.commitIfChanged("Add a")).contains(git.head());
        assertThat(git.log(1)).containsExactly("Add a");
    }

    @Test
    void resetTo_restoresTheCommitExactlyAndKeepsIgnoredFiles() throws IOException {
        Git git = newRepository();
        write(dir, ".gitignore", "node_modules/\n");
        write(dir, "src/app.py", "print('v1')\n");
        write(dir, "README.md", "readme\n");
        String checkpoint = git.commitAll("Version 1", false);
        write(dir, "node_modules/dep.js", "dependency\n");
        write(dir, ".orchestrator/logs/phase.log", "log\n");

        write(dir, "src/app.py", "print('broken')\n");
        Files.delete(dir.resolve("README.md"));
        write(dir, "src/new/module.py", "new\n");
        write(dir, "stray.txt", "stray\n");
        git.commitAll("Broken", false);
        write(dir, "uncommitted.txt", "more\n");
        Path nested = Files.createDirectories(dir.resolve("generated"));
        Git.at(nested).ensureRepository();

        git.resetTo(checkpoint);

        assertThat(git.head()).isEqualTo(checkpoint);
        assertThat(git.hasChanges()).isFalse();
        assertThat(dir.resolve("src/app.py")).hasContent("print('v1')");
        assertThat(dir.resolve("README.md")).hasContent("readme");
        assertThat(dir.resolve("src/new")).doesNotExist();
        assertThat(dir.resolve("stray.txt")).doesNotExist();
        assertThat(dir.resolve("uncommitted.txt")).doesNotExist();
        assertThat(dir.resolve("generated")).doesNotExist();
        assertThat(dir.resolve("node_modules/dep.js")).hasContent("dependency");
        assertThat(dir.resolve(".orchestrator/logs/phase.log")).hasContent("log");
        assertThat(git.log(10)).containsExactly("Version 1", "Start project");
    }

    @Test
    void resetTo_anUnknownCommitCarriesGitsWords() {
        Git git = newRepository();

        assertThatThrownBy(() -> git.resetTo("0123456789abcdef0123456789abcdef01234567"))
                .isInstanceOf(GitException.class)
                .hasMessageContaining("0123456789abcdef")
                .hasMessageContaining(dir.toString());
        assertThatThrownBy(() -> git.resetTo("--hard")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failures_carryTheCommandAndGitsStandardError() throws IOException {
        Git git = newRepository();
        write(dir, "a.txt", "a\n");
        git.commitAll("Add a", false);
        Files.writeString(dir.resolve(".git/index.lock"), ""); // as a crashed git would leave it
        write(dir, "b.txt", "b\n");

        assertThatThrownBy(() -> git.commitAll("Add b", false))
                .isInstanceOfSatisfying(GitException.class, e -> {
                    assertThat(e.command()).containsExactly("add", "-A");
                    assertThat(e.stderr()).contains("index.lock");
                    assertThat(e.getMessage()).contains("git add -A", "index.lock", dir.toString());
                })
                .isInstanceOf(WorkspaceException.class);
    }

    @Test
    void log_listsFirstLinesNewestFirstUpToMax() throws IOException {
        Git git = newRepository();
        for (int i = 1; i <= 4; i++) {
            write(dir, "f" + i + ".txt", "x\n");
            git.commitAll("Commit " + i + "\n\nbody line " + i, false);
        }

        assertThat(git.log(3)).containsExactly("Commit 4", "Commit 3", "Commit 2");
        assertThat(git.log(100)).hasSize(5).endsWith("Start project");
    }

    @Test
    void log_isEmptyBeforeTheFirstCommitAndHeadExplains() throws IOException {
        Git git = Git.at(dir);
        new ProcessBuilder("git", "init", "-q", dir.toString()).start().onExit().join();

        assertThat(git.isRepository()).isTrue();
        assertThat(git.log(5)).isEmpty();
        assertThatThrownBy(git::head).isInstanceOf(GitException.class).hasMessageContaining("no commit yet");
    }

    @Test
    void commands_runWithoutTheCallersGitVariables() {
        // GIT_DIR and friends of a caller (say, a git hook that runs Orchestrator) would redirect every command
        Map<String, String> environment = new HashMap<>(Map.of(
                "GIT_DIR", "/elsewhere/.git",
                "GIT_WORK_TREE", "/elsewhere",
                "GIT_INDEX_FILE", "/elsewhere/index",
                "GIT_AUTHOR_NAME", "Someone",
                "PATH", "/usr/bin"));

        Git.cleanEnvironment(environment);

        assertThat(environment)
                .doesNotContainKeys("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
                .containsEntry("GIT_AUTHOR_NAME", "Orchestrator")
                .containsEntry("GIT_COMMITTER_EMAIL", "orchestrator@localhost")
                .containsEntry("GIT_CONFIG_GLOBAL", "/dev/null")
                .containsEntry("PATH", "/usr/bin");
    }

    @Test
    void commands_goThroughTheStarterWithIdentityOnTheCommandLine() {
        List<List<String>> started = new CopyOnWriteArrayList<>();
        Git git = Git.at(dir, builder -> {
            started.add(List.copyOf(builder.command()));
            return builder.start();
        });

        git.ensureRepository();

        assertThat(started)
                .isNotEmpty()
                .allSatisfy(command -> assertThat(command)
                        .startsWith("git", "-c", "user.name=Orchestrator", "-c", "user.email=orchestrator@localhost")
                        .contains("commit.gpgsign=false"));
    }

    @Test
    void commits_useTheOrchestratorIdentity() throws IOException, InterruptedException {
        Git git = newRepository();
        Process show = new ProcessBuilder("git", "log", "-1", "--format=%an <%ae> / %cn <%ce>")
                .directory(dir.toFile())
                .start();
        String identity = new String(show.getInputStream().readAllBytes()).strip();
        show.waitFor();

        assertThat(identity).isEqualTo("Orchestrator <orchestrator@localhost> / Orchestrator <orchestrator@localhost>");
        assertThat(git.head()).isNotBlank();
    }

    @Test
    void commands_finishEvenWhenTheThreadIsInterruptedAndKeepTheInterrupt() throws IOException {
        Git git = newRepository();
        write(dir, "a.txt", "a\n");

        Thread.currentThread().interrupt();
        try {
            String head = git.commitAll("Add a", false);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(git.subject(head)).isEqualTo("Add a");
        } finally {
            Thread.interrupted();
        }
        assertThat(dir.resolve(".git/index.lock")).doesNotExist();
    }

    /** A branch {@code item} one commit ahead of main: a.txt changed, new.txt added. */
    private String itemAhead(Git git) throws IOException {
        write(dir, "a.txt", "a\n");
        write(dir, "b.txt", "b\n");
        write(dir, "c.txt", "c\n");
        git.commitAll("Add a, b and c", false);
        Git item = git.addWorktree(dir.resolve(".orchestrator/worktrees/item"), "item", git.head());
        write(item.folder(), "a.txt", "a by the item\n");
        write(item.folder(), "new.txt", "new by the item\n");
        return item.commitAll("The item's work", false);
    }

    @Test
    void fastForward_goesPastChangedStagedAndUntrackedFilesItDoesNotTouch_andLeavesThemAsTheyWere() throws IOException {
        Git git = newRepository();
        String tip = itemAhead(git);
        write(dir, "NOTES.local", "my notes\n");
        write(dir, "b.txt", "b, changed by the person\n");
        write(dir, "c.txt", "c, staged by the person\n");
        GitCli.lines(dir, "add", "c.txt");

        assertThat(git.fastForward(tip)).isEqualTo(new Git.FastForward.Moved());

        assertThat(git.head()).isEqualTo(tip);
        assertThat(dir.resolve("a.txt")).hasContent("a by the item");
        assertThat(dir.resolve("new.txt")).hasContent("new by the item");
        assertThat(dir.resolve("NOTES.local")).hasContent("my notes");
        assertThat(dir.resolve("b.txt")).hasContent("b, changed by the person");
        assertThat(dir.resolve("c.txt")).hasContent("c, staged by the person");
        // still untracked, still changed, still staged
        assertThat(GitCli.lines(dir, "status", "--porcelain", "--untracked-files=all"))
                .containsExactlyInAnyOrder("?? NOTES.local", " M b.txt", "M  c.txt");
    }

    @Test
    void fastForward_thatWouldOverwriteThePersonsFiles_movesNothingAndNamesEachOne() throws IOException {
        Git git = newRepository();
        String tip = itemAhead(git);
        String before = git.head();
        write(dir, "a.txt", "a, changed by the person\n");
        write(dir, "new.txt", "the person's own new.txt\n");

        assertThat(git.fastForward(tip))
                .isEqualTo(new Git.FastForward.WouldOverwrite(List.of("a.txt"), List.of("new.txt")));

        assertThat(git.head()).isEqualTo(before);
        assertThat(dir.resolve("a.txt")).hasContent("a, changed by the person");
        assertThat(dir.resolve("new.txt")).hasContent("the person's own new.txt");

        // a staged change counts as a change: git would overwrite it too
        Files.delete(dir.resolve("new.txt"));
        GitCli.lines(dir, "add", "a.txt");
        assertThat(git.fastForward(tip)).isEqualTo(new Git.FastForward.WouldOverwrite(List.of("a.txt"), List.of()));
        assertThat(git.head()).isEqualTo(before);
        assertThat(GitCli.lines(dir, "status", "--porcelain")).containsExactly("M  a.txt");
    }

    @Test
    void fastForward_refusedForAnotherReason_saysWhatGitSaid() throws IOException {
        Git git = newRepository();
        String tip = itemAhead(git);
        Files.writeString(dir.resolve(".git/index.lock"), ""); // as a git killed mid-way leaves it

        assertThat(git.fastForward(tip))
                .isInstanceOfSatisfying(
                        Git.FastForward.Refused.class,
                        refused -> assertThat(refused.said()).contains("index.lock"));
        assertThat(dir.resolve("a.txt")).hasContent("a");
    }

    @Test
    void overwritten_readsEveryListGitPrints_withNamesAsWritten() {
        String said = """
                error: Your local changes to the following files would be overwritten by merge:
                \tsrc/app.py
                \tdocs/caf\u00e9 notes.md
                Please commit your changes or stash them before you merge.
                error: The following untracked working tree files would be removed by merge:
                \tbuild/out.txt
                Please move or remove them before you merge.
                error: Updating the following directories would lose untracked files in them:
                \tgenerated
                Aborting
                """;

        assertThat(Git.overwritten(said))
                .isEqualTo(new Git.FastForward.WouldOverwrite(
                        List.of("src/app.py", "docs/caf\u00e9 notes.md"), List.of("build/out.txt", "generated")));
        assertThat(Git.overwritten("fatal: Not possible to fast-forward, aborting.\n"))
                .isEqualTo(new Git.FastForward.WouldOverwrite(List.of(), List.of()));
    }
}
