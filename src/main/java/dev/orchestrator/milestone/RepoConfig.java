package dev.orchestrator.milestone;

import dev.orchestrator.config.AgentBackend;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * A repository's opt-in for {@code run --milestone}, read from {@code orchestrator.config.yaml} (or
 * {@code .json}) at its root. Validated here, once; every message names the key. Key names are the
 * YAML spellings ({@code issue_globs}, {@code fields.depends_on}, ...).
 *
 * @param file the file this configuration was read from
 * @param repo the repository's top folder, absolute
 * @param issueGlobs where the issue documents are, relative to {@code repo} ({@code docs/issues/**}{@code /*.md})
 * @param fields the names of the front-matter fields that carry an issue's id, title, milestone and dependencies
 * @param runner the coding agent for this repository; empty: the orchestrator's configured {@code agent.backend}
 * @param model the runner's model; empty: the runner's own default
 * @param baseBranch the branch issue branches start from and merge into
 * @param merge whether a reviewed issue's branch is merged into {@code baseBranch}
 * @param logRoot where raw logs and parsed answers go, per issue and phase; absolute
 * @param maxReviewCycles review/fix cycles per issue after the developer's work, 0 to 2
 * @param testCommand the repository's tests, run after a merge conflict is resolved
 */
public record RepoConfig(
        Path file,
        Path repo,
        List<String> issueGlobs,
        Fields fields,
        Optional<AgentBackend> runner,
        Optional<String> model,
        String baseBranch,
        boolean merge,
        Path logRoot,
        int maxReviewCycles,
        Optional<String> testCommand) {

    public static final String DEFAULT_BASE_BRANCH = "main";
    public static final String DEFAULT_LOG_ROOT = ".orchestrator/logs";
    public static final int DEFAULT_MAX_REVIEW_CYCLES = 2;
    public static final int MAX_REVIEW_CYCLES_LIMIT = 2;

    /** The front-matter field names; each defaults to its own key name. */
    public record Fields(String id, String title, String milestone, String dependsOn) {
        public static final Fields DEFAULTS = new Fields("id", "title", "milestone", "depends_on");

        public Fields {
            requireName("fields.id", id);
            requireName("fields.title", title);
            requireName("fields.milestone", milestone);
            requireName("fields.depends_on", dependsOn);
        }

        private static void requireName(String key, String name) {
            if (name == null || name.isBlank()) {
                throw new InvalidKey(key, key + " must name a front-matter field, not be empty");
            }
        }
    }

    public RepoConfig {
        require(file != null, "file", "the configuration's file must be known");
        require(repo != null && repo.isAbsolute(), "repo", "the repository folder must be an absolute path");
        require(
                issueGlobs != null && !issueGlobs.isEmpty(),
                "issue_globs",
                "issue_globs must list at least one glob, like docs/issues/**/*.md");
        issueGlobs = List.copyOf(issueGlobs);
        issueGlobs.forEach(RepoConfig::requireGlob);
        require(fields != null, "fields", "fields must be set");
        require(runner != null, "runner", "runner must be set or left out");
        require(model != null && model.map(m -> !m.isBlank()).orElse(true), "model", "model must not be empty");
        requireBranch(baseBranch);
        require(
                testCommand != null && testCommand.map(c -> !c.isBlank()).orElse(true),
                "test_command",
                "test_command must not be empty");
        require(logRoot != null && logRoot.isAbsolute(), "log_root", "log_root must resolve to an absolute path");
        require(
                maxReviewCycles >= 0 && maxReviewCycles <= MAX_REVIEW_CYCLES_LIMIT,
                "max_review_cycles",
                "max_review_cycles must be a whole number from 0 to " + MAX_REVIEW_CYCLES_LIMIT + ", not "
                        + maxReviewCycles);
    }

    /** The runner this repository uses: its own, else {@code configured} (the orchestrator's agent). */
    public AgentBackend runnerOr(AgentBackend configured) {
        return runner.orElse(configured);
    }

    private static void requireGlob(String glob) {
        require(glob != null && !glob.isBlank(), "issue_globs", "issue_globs must not contain an empty glob");
        require(
                !glob.startsWith("/") && !glob.startsWith("../") && !glob.contains("/../"),
                "issue_globs",
                "issue_globs: \"" + glob + "\" must be relative to the repository root and stay inside it");
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            throw new InvalidKey(
                    "issue_globs", "issue_globs: \"" + glob + "\" is not a valid glob (" + e.getDescription() + ")");
        }
    }

    private static void requireBranch(String branch) {
        require(
                branch != null
                        && !branch.isBlank()
                        && !branch.startsWith("-")
                        && !branch.contains("..")
                        && branch.chars().noneMatch(c -> Character.isWhitespace(c) || c == '~' || c == '^' || c == ':'),
                "base_branch",
                "base_branch must be a git branch name, like main, not \"" + branch + "\"");
    }

    private static void require(boolean condition, String key, String message) {
        if (!condition) {
            throw new InvalidKey(key, message);
        }
    }

    /** A value out of range; the loader adds the file and line of {@link #key()}. */
    static final class InvalidKey extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String key;

        InvalidKey(String key, String message) {
            super(message);
            this.key = key;
        }

        /** The dotted key, e.g. {@code fields.milestone}. */
        String key() {
            return key;
        }
    }
}
