package dev.orchestrator.milestone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.config.AgentBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoConfigLoaderTest {
    @TempDir
    Path repo;

    private Path write(String name, String text) throws IOException {
        Path file = repo.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private RepoConfig load() {
        return RepoConfigLoader.load(repo, Optional.empty());
    }

    @Test
    void yamlAtTheRoot_isFoundAndOnlyGlobsAreRequired_theRestDefaults() throws IOException {
        Path file = write("orchestrator.config.yaml", "issue_globs: [docs/issues/**/*.md]\n");

        RepoConfig config = load();

        assertThat(config.file()).isEqualTo(file);
        assertThat(config.repo()).isEqualTo(repo.toAbsolutePath());
        assertThat(config.issueGlobs()).containsExactly("docs/issues/**/*.md");
        assertThat(config.fields()).isEqualTo(new RepoConfig.Fields("id", "title", "milestone", "depends_on"));
        assertThat(config.runner()).isEmpty();
        assertThat(config.runnerOr(AgentBackend.CODEX)).isEqualTo(AgentBackend.CODEX);
        assertThat(config.model()).isEmpty();
        assertThat(config.baseBranch()).isEqualTo("main");
        assertThat(config.merge()).isTrue();
        assertThat(config.logRoot()).isEqualTo(repo.resolve(".orchestrator/logs"));
        assertThat(config.maxReviewCycles()).isEqualTo(2);
    }

    @Test
    void everyKeyIsRead() throws IOException {
        write("orchestrator.config.yaml", """
                issue_globs:
                  - issues/*.md
                  - rfcs/**/*.md
                fields: {id: key, title: name, milestone: release, depends_on: after}
                runner: codex
                model: gpt-5
                base_branch: develop
                merge: false
                log_root: /tmp/orchestrator-logs
                max_review_cycles: 0
                """);

        RepoConfig config = load();

        assertThat(config.issueGlobs()).containsExactly("issues/*.md", "rfcs/**/*.md");
        assertThat(config.fields()).isEqualTo(new RepoConfig.Fields("key", "name", "release", "after"));
        assertThat(config.runner()).contains(AgentBackend.CODEX);
        assertThat(config.runnerOr(AgentBackend.CLAUDE_CODE)).isEqualTo(AgentBackend.CODEX);
        assertThat(config.model()).contains("gpt-5");
        assertThat(config.baseBranch()).isEqualTo("develop");
        assertThat(config.merge()).isFalse();
        assertThat(config.logRoot()).isEqualTo(Path.of("/tmp/orchestrator-logs"));
        assertThat(config.maxReviewCycles()).isZero();
    }

    @Test
    void runner_claudeAndClaudeCodeBothMeanClaudeCode() throws IOException {
        write("orchestrator.config.yaml", "issue_globs: a/*.md\nrunner: claude\n");
        assertThat(load().runner()).contains(AgentBackend.CLAUDE_CODE);

        write("orchestrator.config.yaml", "issue_globs: a/*.md\nrunner: claude-code\n");
        assertThat(load().runner()).contains(AgentBackend.CLAUDE_CODE);
    }

    @Test
    void relativeLogRoot_resolvesAgainstTheRepositoryNotTheConfigFile() throws IOException {
        Path elsewhere = write("config/orchestrator.yaml", "issue_globs: [a/*.md]\nlog_root: build/agent-logs\n");

        RepoConfig config = RepoConfigLoader.load(repo, Optional.of(elsewhere));

        assertThat(config.file()).isEqualTo(elsewhere);
        assertThat(config.logRoot()).isEqualTo(repo.resolve("build/agent-logs"));
    }

    @Test
    void json_isReadLikeYaml() throws IOException {
        write("orchestrator.config.json", """
                {"issue_globs": ["docs/*.md"], "merge": false, "fields": {"milestone": "sprint"}}
                """);

        RepoConfig config = load();

        assertThat(config.merge()).isFalse();
        assertThat(config.fields().milestone()).isEqualTo("sprint");
        assertThat(config.fields().id()).isEqualTo("id");
    }

    @Test
    void ymlExtension_isFound() throws IOException {
        write("orchestrator.config.yml", "issue_globs: [docs/*.md]\n");

        assertThat(load().file()).isEqualTo(repo.resolve("orchestrator.config.yml"));
    }

    @Test
    void missingFile_saysWhichFileToCreateAndShowsACompleteExample() {
        assertThatThrownBy(this::load)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("has no orchestrator.config.yaml")
                .hasMessageContaining("Create " + repo.resolve("orchestrator.config.yaml"))
                .hasMessageContaining("--config PATH")
                .hasMessageContaining("issue_globs:")
                .hasMessageContaining("depends_on: depends_on")
                .hasMessageContaining("max_review_cycles: 2")
                .satisfies(e -> assertThat(((MilestoneException) e).exitCode()).isEqualTo(2));
    }

    @Test
    void theExampleInTheMessage_isAValidConfiguration() throws IOException {
        write("orchestrator.config.yaml", RepoConfigLoader.EXAMPLE);

        RepoConfig config = load();

        assertThat(config.issueGlobs()).containsExactly("docs/issues/**/*.md");
        assertThat(config.runner()).contains(AgentBackend.CLAUDE_CODE);
        assertThat(config.fields()).isEqualTo(RepoConfig.Fields.DEFAULTS);
    }

    @Test
    void explicitFileThatDoesNotExist_isNamed() {
        assertThatThrownBy(() -> RepoConfigLoader.load(repo, Optional.of(Path.of("nope.yaml"))))
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("--config " + repo.resolve("nope.yaml") + ": no such file");
    }

    @Test
    void yamlAndJsonBothPresent_isAnErrorNamingBoth() throws IOException {
        Path yaml = write("orchestrator.config.yaml", "issue_globs: [a/*.md]\n");
        Path json = write("orchestrator.config.json", "{\"issue_globs\": [\"a/*.md\"]}");

        assertThatThrownBy(this::load)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("more than one configuration")
                .hasMessageContaining(yaml.toString())
                .hasMessageContaining(json.toString());
    }

    @Test
    void malformedYaml_namesFileAndLine() throws IOException {
        Path file = write("orchestrator.config.yaml", "issue_globs: [a/*.md]\nfields:\n  id: [unclosed\n");

        assertThatThrownBy(this::load)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining(file + ", line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void malformedJson_namesFileAndLine() throws IOException {
        Path file = write("orchestrator.config.json", "{\n  \"issue_globs\": [\"a/*.md\"],\n  \"merge\": tru\n}");

        assertThatThrownBy(this::load)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining(file + ", line 3")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void unknownKey_isNamedWithItsLineAndTheNearestKnownKey() throws IOException {
        Path file = write("orchestrator.config.yaml", "issue_globs: [a/*.md]\nbase_brnch: dev\n");

        assertThatThrownBy(this::load)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("unknown key base_brnch (" + file + ", line 2); did you mean base_branch?");
    }

    @Test
    void unknownKey_atTheTopThatBelongsUnderFields_suggestsTheFieldKey() throws IOException {
        write("orchestrator.config.yaml", "issue_globs: [a/*.md]\nmilestone: M1\n");

        assertThatThrownBy(this::load)
                .hasMessageContaining("unknown key milestone")
                .hasMessageContaining("did you mean fields.milestone?");
    }

    @Test
    void unknownKey_farFromAnyKnownKey_listsTheAllowedKeys() throws IOException {
        write("orchestrator.config.yaml", "issue_globs: [a/*.md]\nfields:\n  labels: tags\n");

        assertThatThrownBy(this::load)
                .hasMessageContaining("unknown key fields.labels")
                .hasMessageContaining("line 3")
                .hasMessageContaining("the keys allowed under fields are: id, title, milestone, depends_on");
    }

    @Test
    void wrongTypes_areAllReportedWithKeyAndLine() throws IOException {
        Path file = write("orchestrator.config.yaml", """
                issue_globs: [a/*.md]
                merge: sometimes
                max_review_cycles: two
                fields:
                  milestone: [a, b]
                runner: gemini
                """);

        assertThatThrownBy(this::load)
                .isInstanceOf(MilestoneException.class)
                .hasMessageContaining("invalid repository configuration " + file)
                .hasMessageContaining("merge must be true or false, not the value \"sometimes\" (" + file + ", line 2)")
                .hasMessageContaining("max_review_cycles must be a whole number")
                .hasMessageContaining("(" + file + ", line 3)")
                .hasMessageContaining("fields.milestone must be text, not a list (" + file + ", line 5)")
                .hasMessageContaining("runner: \"gemini\" is not allowed (" + file + ", line 6)")
                .hasMessageContaining("allowed values: claude, codex, scripted");
    }

    @Test
    void outOfRange_isReportedByTheRecordWithKeyAndLine() throws IOException {
        Path file = write("orchestrator.config.yaml", "issue_globs: [a/*.md]\n\nmax_review_cycles: 3\n");

        assertThatThrownBy(this::load)
                .hasMessageContaining(
                        "max_review_cycles must be a whole number from 0 to 2, not 3 (" + file + ", line 3)");
    }

    @Test
    void missingGlobs_isAnErrorThatSaysWhatToWrite() throws IOException {
        write("orchestrator.config.yaml", "merge: true\n");

        assertThatThrownBy(this::load)
                .hasMessageContaining("issue_globs must be set")
                .hasMessageContaining("docs/issues/**/*.md");
    }

    @Test
    void absoluteOrEscapingGlob_isRefused() throws IOException {
        write("orchestrator.config.yaml", "issue_globs: [/etc/*.md]\n");
        assertThatThrownBy(this::load).hasMessageContaining("must be relative to the repository root");

        write("orchestrator.config.yaml", "issue_globs: [../other/*.md]\n");
        assertThatThrownBy(this::load).hasMessageContaining("must be relative to the repository root");
    }

    @Test
    void badBranchName_isRefused() throws IOException {
        write("orchestrator.config.yaml", "issue_globs: [a/*.md]\nbase_branch: my branch\n");

        assertThatThrownBy(this::load)
                .hasMessageContaining("base_branch must be a git branch name")
                .hasMessageContaining("line 2");
    }

    @Test
    void topLevelList_isRefusedWithTheExample() throws IOException {
        write("orchestrator.config.yaml", "- a/*.md\n");

        assertThatThrownBy(this::load).hasMessageContaining("the top level must be a mapping of keys");
    }

    @Test
    void record_refusesOutOfRangeValuesNamingTheKey() {
        assertThatThrownBy(() -> new RepoConfig(
                        repo.resolve("c.yaml"),
                        repo,
                        List.of("a/*.md"),
                        new RepoConfig.Fields("id", "", "milestone", "depends_on"),
                        Optional.empty(),
                        Optional.empty(),
                        "main",
                        true,
                        repo.resolve("logs"),
                        2,
                        Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields.title");
    }
}
