package dev.orchestrator.workspace;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A project's git repository, driven by {@code git} child processes run in the project folder.
 *
 * <p>Every command gets its arguments as a list (never through a shell), the identity
 * {@value #NAME} &lt;{@value #EMAIL}&gt; and its other settings on its own command line, and an
 * environment cleared of the caller's {@code GIT_*} variables with the user's global and system
 * configuration switched off: nothing outside the project folder is needed, read or touched.
 * Hooks are off too, so a project's hooks never block the orchestrator's own commits.
 *
 * <p>A running git command is not killed when the calling thread is interrupted (that would leave
 * {@code .git/index.lock} behind and break the next command): it is let finish, and the interrupt
 * status is kept for the caller's next blocking call. A command that runs past {@value
 * #TIMEOUT_MINUTES} minutes is killed.
 *
 * <p>Immutable and safe to share; git itself refuses concurrent writes to one repository, so a
 * project's writes should come from one thread at a time.
 */
public final class Git {
    static final String NAME = "Orchestrator";
    static final String EMAIL = "orchestrator@localhost";
    /** Where the orchestrator keeps its logs inside a project; never committed. */
    static final String EXCLUDED = "/.orchestrator/";

    private static final int TIMEOUT_MINUTES = 5;
    /**
     * How long the output of a git that has exited may take to be read to its end. Git leaves no
     * process behind holding it open (no hooks, no detached gc), so this only covers readers that
     * wait for a CPU on an overloaded machine: generous, and a miss fails the command.
     */
    private static final Duration READ_AFTER_EXIT = Duration.ofSeconds(60);

    private static final File NO_INPUT = new File("/dev/null");
    private static final java.util.regex.Pattern FULL_SHA = java.util.regex.Pattern.compile("[0-9a-f]{40}");
    private static final List<String> SETTINGS = List.of(
            "-c", "user.name=" + NAME,
            "-c", "user.email=" + EMAIL,
            "-c", "commit.gpgsign=false",
            "-c", "tag.gpgsign=false",
            "-c", "core.hooksPath=/dev/null",
            "-c", "core.fsmonitor=false",
            // a detached background gc would outlive the command
            "-c", "gc.autoDetach=false",
            // nor may a gc run inside a commit while other worktrees of the repository commit too;
            // the pipeline collects garbage itself when no item is running (collectGarbage)
            "-c", "gc.auto=0");

    /** Starts a process; {@code ChildProcesses::start} registers it so it never outlives Orchestrator. */
    @FunctionalInterface
    public interface Starter {
        Process start(ProcessBuilder builder) throws IOException;
    }

    private record Output(int status, String stdout, String stderr) {
        String said() {
            return (stderr.isBlank() ? stdout : stderr).strip();
        }
    }

    private final Path folder;
    private final Starter starter;

    private Git(Path folder, Starter starter) {
        this.folder = folder.toAbsolutePath().normalize();
        this.starter = Objects.requireNonNull(starter, "starter");
    }

    /** The repository (existing or not yet) in this folder; git processes are started plainly. */
    public static Git at(Path folder) {
        return new Git(folder, ProcessBuilder::start);
    }

    /** The repository in this folder, with git processes started through {@code starter}. */
    public static Git at(Path folder, Starter starter) {
        return new Git(folder, starter);
    }

    /** How this repository starts git, for the worktrees it opens. */
    Starter starter() {
        return starter;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Whether the folder is the top level of a repository. A folder inside some other repository is
     * not: that repository is not ours.
     */
    public boolean isRepository() {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        Output output = execute(List.of("rev-parse", "--show-toplevel"));
        if (output.status() != 0) {
            return false;
        }
        try {
            return Path.of(output.stdout().strip()).toRealPath().equals(folder.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes the folder a repository if it is not one ({@code git init -b main}), keeps
     * {@code .orchestrator/} out of it through {@code .git/info/exclude}, and makes an empty first
     * commit "Start project" if there is none. Safe to call again.
     *
     * @return the sha of HEAD
     */
    public String ensureRepository() {
        if (!Files.isDirectory(folder)) {
            throw new GitException(
                    "cannot make a git repository in " + folder + ": the folder does not exist.", List.of("init"), "");
        }
        if (!isRepository()) {
            check("init", "-q", "-b", "main");
        }
        excludeOrchestratorFolder();
        if (!hasCommit()) {
            check("commit", "-q", "--no-verify", "--allow-empty", "-m", "Start project");
        }
        return head();
    }

    /** The sha of the commit HEAD points at. */
    public String head() {
        // One process, not a check and then a read: the pipeline asks for HEAD several times per step.
        List<String> arguments = List.of("rev-parse", "--verify", "-q", "HEAD^{commit}");
        Output output = execute(arguments);
        if (output.status() == 1 && output.stderr().isBlank()) {
            throw new GitException(
                    "the repository in " + folder + " has no commit yet; it needs ensureRepository() first.",
                    List.of("rev-parse", "HEAD"),
                    "");
        }
        if (output.status() != 0) {
            throw failure(arguments, output);
        }
        return output.stdout().strip();
    }

    /** Whether anything differs from HEAD: tracked files changed or staged, or untracked files that are not ignored. */
    public boolean hasChanges() {
        return !check("status", "--porcelain", "--untracked-files=all").isBlank();
    }

    /**
     * Stages everything ({@code git add -A}; ignored files stay out) and commits it.
     *
     * @param allowEmpty whether to commit when nothing changed (otherwise that fails)
     * @return the sha of the new HEAD
     */
    public String commitAll(String message, boolean allowEmpty) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a commit needs a message");
        }
        check("add", "-A");
        List<String> commit = new ArrayList<>(List.of("commit", "-q", "--no-verify", "--cleanup=whitespace"));
        if (allowEmpty) {
            commit.add("--allow-empty");
        }
        commit.add("-m");
        commit.add(message);
        check(commit);
        return head();
    }

    /** Commits everything if anything changed; returns the new HEAD, or empty when nothing changed. */
    public Optional<String> commitIfChanged(String message) {
        return hasChanges() ? Optional.of(commitAll(message, false)) : Optional.empty();
    }

    /**
     * Puts the working tree back exactly as it was at {@code commit}: tracked files reset, untracked
     * files and folders removed (nested repositories too, {@code clean -ffd}). Ignored files, such as
     * {@code node_modules} and {@code .orchestrator}, stay.
     */
    public void resetTo(String commit) {
        String sha = resolve(commit);
        check("reset", "-q", "--hard", sha);
        check("clean", "-q", "-ffd");
    }

    /**
     * Records the working tree as it is now (everything {@code add -A} would stage) as a commit on
     * no branch, whose parent is HEAD. HEAD, the branch and the working tree do not move; the index
     * is put back to HEAD. The snapshot lets a resumed step restore exactly what a finished agent
     * call left.
     *
     * @return the snapshot commit's sha
     */
    public String snapshot(String message) {
        check("add", "-A");
        String tree = check("write-tree").strip();
        check("reset", "-q");
        // -p HEAD rather than head(): git resolves it, which saves a process per snapshot.
        return check("commit-tree", tree, "-p", "HEAD", "-m", message).strip();
    }

    /**
     * Makes the working tree what {@code snapshot} recorded, on top of {@code base} (HEAD becomes
     * {@code base}; the snapshot's changes are left uncommitted).
     */
    public void restore(String base, String snapshot) {
        resetTo(base);
        check("read-tree", "-u", "--reset", resolve(snapshot));
        check("reset", "-q");
    }

    /**
     * Applies what a snapshot changed relative to its parent onto HEAD, uncommitted. On a conflict
     * the working tree is reset to HEAD and a {@link GitException} says so.
     */
    public void apply(String base, String snapshot) {
        resetTo(head());
        String sha = resolve(snapshot);
        List<String> arguments = List.of("cherry-pick", "--no-commit", "--allow-empty", sha);
        Output output = execute(arguments);
        if (output.status() != 0) {
            execute(List.of("cherry-pick", "--abort"));
            resetTo(head());
            throw new GitException(
                    "the work saved in " + sha.substring(0, 8) + " (made on "
                            + base.substring(0, Math.min(8, base.length()))
                            + ") does not apply cleanly to " + head().substring(0, 8) + " in " + folder + ": "
                            + output.said(),
                    arguments,
                    output.stderr());
        }
        check("reset", "-q");
    }

    /** The first line of the commit's message. */
    public String subject(String commit) {
        String message = check("log", "-1", "--format=%B", resolve(commit), "--");
        return message.lines().findFirst().orElse("");
    }

    /** The first lines of the messages of the last {@code max} commits, newest first; empty before the first commit. */
    public List<String> log(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, not " + max);
        }
        if (!hasCommit()) {
            return List.of();
        }
        String output = check("log", "-n", Integer.toString(max), "-z", "--format=%B", "HEAD", "--");
        return Arrays.stream(output.split("\0"))
                .filter(message -> !message.isEmpty())
                .map(message -> message.lines().findFirst().orElse(""))
                .toList();
    }

    /** Whether {@code ancestor} is {@code descendant} or one of its ancestors. */
    public boolean isAncestor(String ancestor, String descendant) {
        List<String> arguments = List.of("merge-base", "--is-ancestor", resolve(ancestor), resolve(descendant));
        Output output = execute(arguments);
        return switch (output.status()) {
            case 0 -> true;
            case 1 -> false;
            default -> throw failure(arguments, output);
        };
    }

    // ---- branches and worktrees ---------------------------------------------------------------

    /** A worktree of the repository as {@code git worktree list} reports it. */
    public record Worktree(Path folder, Optional<String> branch, Optional<String> head, boolean prunable) {}

    /** The branch checked out in this folder, or empty when HEAD is detached. */
    public Optional<String> currentBranch() {
        Output output = execute(List.of("symbolic-ref", "--short", "-q", "HEAD"));
        return output.status() == 0 ? Optional.of(output.stdout().strip()) : Optional.empty();
    }

    /** The commit a branch points at, or empty when there is no such branch. */
    public Optional<String> branchHead(String branch) {
        Output output = execute(List.of("rev-parse", "--verify", "-q", "refs/heads/" + branch + "^{commit}"));
        return output.status() == 0 ? Optional.of(output.stdout().strip()) : Optional.empty();
    }

    /** The branches whose names start with {@code prefix}, e.g. {@code orchestrator/}. */
    public List<String> branches(String prefix) {
        String output = check("for-each-ref", "--format=%(refname:short)", "refs/heads/" + prefix);
        return output.lines().filter(line -> !line.isBlank()).toList();
    }

    /** Renames a branch; the commits stay (used to keep an earlier attempt's work). */
    public void renameBranch(String from, String to) {
        check("branch", "-m", from, to);
    }

    /**
     * Deletes a branch only if everything on it is in {@code into} ({@code branch -d} semantics
     * with an explicit base): a branch with unmerged commits is never deleted.
     *
     * @return whether the branch was deleted
     */
    public boolean deleteBranchIfMerged(String branch, String into) {
        Optional<String> tip = branchHead(branch);
        if (tip.isEmpty()) {
            return false;
        }
        if (!isAncestor(tip.get(), into)) {
            return false;
        }
        check("branch", "-D", branch);
        return true;
    }

    /** Every worktree of the repository, the main one first. */
    public List<Worktree> worktrees() {
        String output = check("worktree", "list", "--porcelain");
        List<Worktree> list = new ArrayList<>();
        Path path = null;
        Optional<String> branch = Optional.empty();
        Optional<String> head = Optional.empty();
        boolean prunable = false;
        for (String line : (output + "\n").lines().toList()) {
            if (line.isBlank()) {
                if (path != null) {
                    list.add(new Worktree(path, branch, head, prunable));
                }
                path = null;
                branch = Optional.empty();
                head = Optional.empty();
                prunable = false;
            } else if (line.startsWith("worktree ")) {
                path = Path.of(line.substring("worktree ".length()));
            } else if (line.startsWith("branch refs/heads/")) {
                branch = Optional.of(line.substring("branch refs/heads/".length()));
            } else if (line.startsWith("HEAD ")) {
                head = Optional.of(line.substring("HEAD ".length()));
            } else if (line.startsWith("prunable")) {
                prunable = true;
            }
        }
        return list;
    }

    /**
     * Adds a worktree in {@code target} on {@code branch}: a new branch from {@code startPoint}, or
     * the existing branch as it is when there is one.
     *
     * @return the new worktree's repository
     */
    public Git addWorktree(Path target, String branch, String startPoint) {
        if (branchHead(branch).isPresent()) {
            check("worktree", "add", "-q", target.toString(), branch);
        } else {
            check("worktree", "add", "-q", "-b", branch, target.toString(), resolve(startPoint));
        }
        return new Git(target, starter);
    }

    /**
     * Removes a worktree folder and its administrative entry; its branch stays. Anything uncommitted
     * in it is gone afterwards: callers commit what they keep first.
     */
    public void removeWorktree(Path target) {
        Output output = execute(List.of("worktree", "remove", "--force", "--force", target.toString()));
        if (output.status() != 0) {
            if (Files.exists(target)) {
                throw failure(List.of("worktree", "remove", target.toString()), output);
            }
            check("worktree", "prune"); // the folder was gone already: forget its entry
        }
    }

    /** Forgets worktrees whose folders are gone. */
    public void pruneWorktrees() {
        check("worktree", "prune");
    }

    /** How a fast-forward of the checked-out branch ended. */
    public sealed interface FastForward {
        /** The branch and the working tree are at the commit now. */
        record Moved() implements FastForward {}

        /**
         * Nothing moved: the fast-forward would have overwritten files of the person's, named as git
         * named them (relative to the top of the repository).
         *
         * @param changed tracked files with uncommitted changes, staged or not
         * @param untracked files git does not track that the merge would replace or remove
         */
        record WouldOverwrite(List<String> changed, List<String> untracked) implements FastForward {
            public WouldOverwrite {
                changed = List.copyOf(changed);
                untracked = List.copyOf(untracked);
            }
        }

        /** Nothing moved, for another reason (a lock left behind, a cherry-pick in progress): what git said. */
        record Refused(String said) implements FastForward {}
    }

    /**
     * Moves this folder's branch forward to {@code commit} if that is a fast-forward
     * ({@code merge --ff-only}). Git decides file by file: changed, staged and untracked files the
     * merge does not touch stay exactly as they are; if it would overwrite any of them it moves
     * nothing and names them. It also refuses while another operation (a cherry-pick, a lock) is in
     * the way.
     */
    public FastForward fastForward(String commit) {
        // core.quotePath=false: a file name with accents is named as the person wrote it
        Output output = execute(List.of("-c", "core.quotePath=false", "merge", "--ff-only", "-q", resolve(commit)));
        if (output.status() == 0) {
            return new FastForward.Moved();
        }
        FastForward.WouldOverwrite overwrite = overwritten(output.stderr());
        return overwrite.changed().isEmpty() && overwrite.untracked().isEmpty()
                ? new FastForward.Refused(output.said())
                : overwrite;
    }

    /**
     * The files in git's "would be overwritten by merge" lists: a line such as {@code error: Your
     * local changes to the following files would be overwritten by merge:} (or {@code The following
     * untracked working tree files would be overwritten by merge:}, or {@code ... removed by
     * merge:}), followed by one tab-indented path per line.
     */
    static FastForward.WouldOverwrite overwritten(String said) {
        List<String> changed = new ArrayList<>();
        List<String> untracked = new ArrayList<>();
        List<String> list = null;
        for (String line : said.lines().toList()) {
            if (line.startsWith("\t") && list != null) {
                list.add(line.substring(1));
            } else if (line.startsWith("error: ") && line.endsWith(" by merge:")) {
                list = line.contains("untracked") ? untracked : changed;
            } else if (line.startsWith("error: ") && line.contains("would lose untracked files")) {
                list = untracked;
            } else {
                list = null;
            }
        }
        return new FastForward.WouldOverwrite(changed, untracked);
    }

    /** The newest commit in {@code from..to} whose first line is {@code subject}, if any. */
    public Optional<String> commitWithSubject(String from, String to, String subject) {
        String output = check("log", "-z", "--format=%H %s", resolve(from) + ".." + resolve(to), "--");
        return Arrays.stream(output.split("\0"))
                .filter(line -> line.length() > 41 && line.substring(41).equals(subject))
                .map(line -> line.substring(0, 40))
                .findFirst();
    }

    /**
     * Replays this branch's commits since it forked onto {@code upstream}. On a conflict the rebase
     * is aborted and the branch is left as it was.
     *
     * @return whether the branch now sits on {@code upstream}
     */
    public boolean rebase(String upstream) {
        Output output = execute(List.of("rebase", "-q", resolve(upstream)));
        if (output.status() == 0) {
            return true;
        }
        execute(List.of("rebase", "--abort"));
        return false;
    }

    /**
     * Merges {@code commit} into this folder's branch with a merge commit. On a conflict the merge is
     * left in progress, with conflict markers in the files, for someone to resolve and
     * {@link #commitAll commit}.
     *
     * @return true when the merge is committed, false when it stopped at a conflict
     */
    public boolean merge(String commit, String message) {
        Output output = execute(List.of("merge", "--no-ff", "--no-edit", "-q", "-m", message, resolve(commit)));
        if (output.status() == 0) {
            return true;
        }
        if (unmergedFiles().isEmpty()) {
            throw failure(List.of("merge", commit), output);
        }
        return false;
    }

    /** Whether a merge is in progress here (MERGE_HEAD exists). */
    public boolean merging() {
        return execute(List.of("rev-parse", "-q", "--verify", "MERGE_HEAD")).status() == 0;
    }

    /** Files with unresolved conflicts in the index. */
    public List<String> unmergedFiles() {
        return check("diff", "--name-only", "--diff-filter=U")
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
    }

    /** Files that still contain conflict markers, among those given. */
    public List<String> filesWithConflictMarkers(List<String> files) {
        List<String> marked = new ArrayList<>();
        for (String file : files) {
            Path path = folder.resolve(file);
            try {
                if (Files.isRegularFile(path)
                        && Files.readString(path, StandardCharsets.ISO_8859_1)
                                .lines()
                                .anyMatch(line -> line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> "))) {
                    marked.add(file);
                }
            } catch (IOException e) {
                marked.add(file);
            }
        }
        return marked;
    }

    /** The working tree's differences from HEAD (with conflict markers during a merge), at most {@code maxChars}. */
    public String diff(int maxChars) {
        String diff = execute(List.of("diff", "HEAD")).stdout();
        return diff.length() <= maxChars
                ? diff
                : diff.substring(0, maxChars) + "\n[... diff cut at " + maxChars + " characters]";
    }

    /** Ends a merge or rebase left in progress, if any; the working tree goes back to HEAD. */
    public void abortMergeOrRebase() {
        if (merging()) {
            execute(List.of("merge", "--abort"));
        }
        Path rebaseMerge =
                Path.of(check("rev-parse", "--git-path", "rebase-merge").strip());
        Path rebaseApply =
                Path.of(check("rev-parse", "--git-path", "rebase-apply").strip());
        if (Files.exists(folder.resolve(rebaseMerge)) || Files.exists(folder.resolve(rebaseApply))) {
            execute(List.of("rebase", "--abort"));
        }
    }

    /** The first lines of the messages of the commits in {@code from..to}, newest first. */
    public List<String> subjects(String from, String to) {
        String output = check("log", "-z", "--format=%s", resolve(from) + ".." + resolve(to), "--");
        return Arrays.stream(output.split("\0")).filter(s -> !s.isEmpty()).toList();
    }

    /** Packs loose objects if there are many ({@code gc --auto}); call when no other command writes. */
    public void collectGarbage() {
        execute(List.of("-c", "gc.auto=6700", "gc", "--auto", "--quiet"));
    }

    // ---- internals -----------------------------------------------------------------------------

    private boolean hasCommit() {
        return execute(List.of("rev-parse", "--verify", "-q", "HEAD^{commit}")).status() == 0;
    }

    /**
     * The full sha of a revision, which must name a commit. A full sha is taken as it is (it came
     * from git): a git process fewer for each of the many commands the pipeline gives one, and a
     * sha that names nothing still fails the command it is given to.
     */
    private String resolve(String revision) {
        if (revision == null || revision.isBlank() || revision.startsWith("-")) {
            throw new IllegalArgumentException("not a revision: '" + revision + "'");
        }
        if (FULL_SHA.matcher(revision).matches()) {
            return revision;
        }
        List<String> arguments = List.of("rev-parse", "--verify", "-q", revision + "^{commit}");
        Output output = execute(arguments);
        if (output.status() != 0) {
            throw new GitException(
                    "no commit '" + revision + "' in the repository in " + folder + " (git "
                            + String.join(" ", arguments) + " found none).",
                    arguments,
                    output.stderr());
        }
        return output.stdout().strip();
    }

    private void excludeOrchestratorFolder() {
        Path exclude =
                folder.resolve(check("rev-parse", "--git-path", "info/exclude").strip());
        // java.io rather than NIO channels: those refuse to work on an interrupted thread
        try {
            String text = "";
            if (Files.exists(exclude)) {
                try (InputStream in = new FileInputStream(exclude.toFile())) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            if (text.lines()
                    .map(String::strip)
                    .anyMatch(line -> line.equals(EXCLUDED) || line.equals(".orchestrator/"))) {
                return;
            }
            Files.createDirectories(exclude.getParent());
            String addition = (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
                    + "# Orchestrator's logs and state for this project\n" + EXCLUDED + "\n";
            try (OutputStream out = new FileOutputStream(exclude.toFile(), true)) {
                out.write(addition.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new GitException(
                    "cannot write " + exclude + " to keep .orchestrator/ out of the repository (" + e.getMessage()
                            + "). Check the folder's permissions.",
                    List.of("info/exclude"),
                    e);
        }
    }

    private String check(String... arguments) {
        return check(List.of(arguments));
    }

    /** Runs git; returns its standard output, or throws when it fails. */
    private String check(List<String> arguments) {
        Output output = execute(arguments);
        if (output.status() != 0) {
            throw failure(arguments, output);
        }
        return output.stdout();
    }

    private GitException failure(List<String> arguments, Output output) {
        return new GitException(
                "git " + String.join(" ", arguments) + " failed in " + folder + " (exit " + output.status() + "): "
                        + output.said(),
                arguments,
                output.stderr());
    }

    private Output execute(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(SETTINGS);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT));
        cleanEnvironment(builder.environment());
        Process process;
        try {
            process = starter.start(builder);
        } catch (IOException e) {
            throw new GitException(
                    "cannot run git " + String.join(" ", arguments) + " in " + folder + ": " + e.getMessage()
                            + ". Install git (for example 'apt-get install git') and make sure it is on the PATH.",
                    arguments,
                    e);
        }
        Capture stdout = Capture.start(process.getInputStream());
        Capture stderr = Capture.start(process.getErrorStream());
        if (!awaitExit(process)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new GitException(
                    "git " + String.join(" ", arguments) + " in " + folder + " did not finish within " + TIMEOUT_MINUTES
                            + " minutes and was stopped.",
                    arguments,
                    stderr.text());
        }
        if (!stdout.finished() || !stderr.finished()) {
            // Never take a partial answer (an empty sha) for git's answer.
            throw new GitException(
                    "git " + String.join(" ", arguments) + " in " + folder + " exited (" + process.exitValue()
                            + "), but its output could not be read to the end within " + READ_AFTER_EXIT.toSeconds()
                            + " s; the machine is probably overloaded. /resume the project when it is less busy.",
                    arguments,
                    stderr.text());
        }
        return new Output(process.exitValue(), stdout.text(), stderr.text());
    }

    /** Removes the caller's {@code GIT_*} variables (GIT_DIR would redirect every command) and sets ours. */
    static void cleanEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.startsWith("GIT_"));
        environment.put("GIT_AUTHOR_NAME", NAME);
        environment.put("GIT_AUTHOR_EMAIL", EMAIL);
        environment.put("GIT_COMMITTER_NAME", NAME);
        environment.put("GIT_COMMITTER_EMAIL", EMAIL);
        environment.put("GIT_CONFIG_NOSYSTEM", "1");
        environment.put("GIT_CONFIG_GLOBAL", "/dev/null");
        environment.put("GIT_TERMINAL_PROMPT", "0");
        // reading commands (status) then never take index.lock, so they cannot make a write fail
        environment.put("GIT_OPTIONAL_LOCKS", "0");
        // git's messages in English, as people search for them
        environment.put("LC_ALL", "C");
    }

    /** Waits for git without giving in to interrupts (see the class comment); false on timeout. */
    private static boolean awaitExit(Process process) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
        try {
            while (true) {
                try {
                    return process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads one of git's output streams to its end on a virtual thread. */
    private static final class Capture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread reader;
        // Set on the first wait; used by the thread that ran the command only.
        private boolean waited;
        private long deadline;

        private Capture(InputStream stream) {
            reader = Thread.ofVirtual().start(() -> {
                try (stream) {
                    stream.transferTo(bytes);
                } catch (IOException e) {
                    // the stream closes under us when git is killed; what was read is kept
                }
            });
        }

        static Capture start(InputStream stream) {
            return new Capture(stream);
        }

        /** Everything read, once the stream has ended (or what was read by the end of the bounded wait). */
        String text() {
            await();
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Whether the stream was read to its end (within the bounded wait). */
        boolean finished() {
            await();
            return !reader.isAlive();
        }

        /** Waits for the reader, at most {@link #READ_AFTER_EXIT} from the first call on. */
        private void await() {
            if (!waited) {
                waited = true;
                deadline = System.nanoTime() + READ_AFTER_EXIT.toNanos();
            }
            boolean interrupted = false;
            while (reader.isAlive() && System.nanoTime() - deadline < 0) {
                try {
                    reader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
