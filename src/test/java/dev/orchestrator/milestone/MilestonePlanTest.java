package dev.orchestrator.milestone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.repl.Style;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MilestonePlanTest {
    @TempDir
    Path dir;

    private Path repo() throws IOException {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve("docs/issues"));
        Files.writeString(repo.resolve("orchestrator.config.yaml"), "issue_globs: [docs/issues/*.md]\nmerge: false\n");
        Files.writeString(
                repo.resolve("docs/issues/b.md"), "---\nmilestone: M1\ndepends_on: [a, old]\n---\n# Second\n");
        Files.writeString(repo.resolve("docs/issues/a.md"), "---\nmilestone: M1\n---\n# First\n");
        Files.writeString(repo.resolve("docs/issues/old.md"), "---\nmilestone: M0\n---\n# Done long ago\n");
        Files.writeString(repo.resolve("docs/issues/index.md"), "# All issues\n");
        return repo;
    }

    @Test
    void prepare_readsConfigAndIssuesAndDescribesThePlanWithoutClaimingToRunIt() throws IOException {
        Path repo = repo();

        MilestonePlan plan = MilestonePlan.prepare(repo, Optional.empty(), "M1", Optional.empty());
        List<String> lines = plan.describe(AgentBackend.CODEX, 200, Style.PLAIN);

        assertThat(plan.selection().issues()).extracting(IssueDoc::id).containsExactly("a", "b");
        assertThat(lines.get(0)).isEqualTo("Milestone M1 in " + repo + " (configuration orchestrator.config.yaml)");
        assertThat(lines.get(1))
                .startsWith("Runner codex from the orchestrator's agent.backend, base branch main, not merging")
                .contains("at most 2 review/fix cycles")
                .contains(repo.resolve(".orchestrator/logs").toString());
        assertThat(lines.subList(2, 5))
                .containsExactly(
                        "#  issue  title   depends on  path",
                        "1  a      First   -           docs/issues/a.md",
                        "2  b      Second  a, old      docs/issues/b.md");
        assertThat(lines)
                .contains("note: b depends on old (milestone M0), outside milestone M1; it is assumed done.")
                .anySatisfy(line -> assertThat(line).startsWith("skipped docs/issues/index.md: no YAML front matter"));
        assertThat(lines.getLast()).startsWith("Planned 2 issues of milestone M1, each in its own worktree");
    }

    @Test
    void requireGitTop_refusesAFolderBelowTheTopNamingTheTop() throws IOException {
        Path repo = repo();

        assertThatThrownBy(() -> MilestonePlan.requireGitTop(repo.resolve("docs")))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("inside the git repository " + repo + ", not at its top")
                .hasMessageContaining("--repo " + repo);
    }

    @Test
    void requireGitTop_refusesAFolderOutsideAnyRepository() throws IOException {
        Path plain = Files.createDirectories(dir.resolve("plain"));

        assertThatThrownBy(() -> MilestonePlan.requireGitTop(plain))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining(plain + " is not a git repository");
    }

    @Test
    void requireGitTop_acceptsAWorktreeWhoseGitIsAFile() throws IOException {
        Path worktree = Files.createDirectories(dir.resolve("wt"));
        Files.writeString(worktree.resolve(".git"), "gitdir: /somewhere/.git/worktrees/wt\n");

        assertThat(MilestonePlan.requireGitTop(worktree)).isEqualTo(worktree.toRealPath());
    }

    @Test
    void prepare_throughASymbolicLinkToTheRepository_findsItsIssues() throws IOException {
        Path repo = repo();
        Path link = Files.createSymbolicLink(dir.resolve("link"), repo);

        MilestonePlan plan = MilestonePlan.prepare(link, Optional.empty(), "M1", Optional.empty());

        assertThat(plan.selection().issues()).extracting(IssueDoc::id).containsExactly("a", "b");
        assertThat(plan.config().repo()).isEqualTo(repo.toRealPath());
    }
}
