package dev.orchestrator.app;

import dev.orchestrator.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jline.builtins.Options;

/**
 * The command-line flags. The usage text below is both the help people read and the
 * specification JLine's {@link Options} parses, so the two cannot drift apart.
 */
record Cli(
        boolean help,
        boolean version,
        Optional<Path> home,
        Optional<Path> config,
        List<ConfigLoader.FlagSetting> settings,
        boolean verbose,
        Mode mode,
        Optional<String> failAtPhase) {

    /** What the run does: the interactive session, or one non-interactive job. */
    sealed interface Mode {
        /** The REPL. */
        record Interactive() implements Mode {}

        /** Run one new project from an idea to its end. */
        record Generate(String idea) implements Mode {}

        /** Run one new project from the idea in a file to its end. */
        record IdeaFile(Path file) implements Mode {}

        /** Resume one project, or every interrupted or stopped one. */
        record Resume(Optional<String> project) implements Mode {}

        /** Print one project's status, or the list. */
        record Status(Optional<String> project) implements Mode {}

        /** Print one project's whole state as JSON. */
        record Export(String project) implements Mode {}

        /**
         * Work through one milestone's issue documents in an existing repository.
         *
         * @param repoConfig the repository's configuration file ({@code --config} in this mode), if given
         * @param repo the repository's top folder ({@code --repo}); empty: the working directory
         */
        record Run(String milestone, Optional<String> issue, Optional<Path> repoConfig, Optional<Path> repo)
                implements Mode {}
    }

    static final String[] USAGE = {
        "orchestrator - turns an idea into working software",
        "Usage: orchestrator [OPTIONS]",
        "       orchestrator generate \"IDEA\" [OPTIONS]",
        "       orchestrator run --milestone=ID [--issue=ID] [--config=PATH] [--repo=DIR] [OPTIONS]",
        "  -? --help                  Show this help and exit",
        "  -V --version               Print the version and exit",
        "     --home=DIR              Keep the database, logs and config.yaml in DIR",
        "                             (default: $ORCHESTRATOR_HOME, else ~/.orchestrator)",
        "     --config=FILE           Read FILE after $ORCHESTRATOR_HOME/config.yaml; its keys win",
        "                             (with run: the repository's orchestrator.config.yaml or .json)",
        "     --workspace=DIR         Create project folders under DIR",
        "     --autonomy=MODE         checkpoint (ask for approval) or full (never pause)",
        "     --set=KEY=VALUE         Set any configuration key, e.g. --set agent.max_turns=80",
        "                             (repeatable)",
        "     --verbose               Write debug detail to the log file",
        "     --idea-file=FILE        Start a project from the idea in FILE (with --no-interactive)",
        "     --no-interactive        Run to the end without the interactive session",
        "     --resume                Resume project ID (next argument), or every interrupted one,",
        "                             and run it to the end",
        "     --status                Print the status of project ID (next argument), or the list",
        "     --export=ID             Print project ID's whole state as JSON",
        "     --fail-at-phase=PHASE   Make PHASE (name or number 1-7) fail after its work, to",
        "                             prove rollback and resume",
        "     --milestone=ID          run: the milestone whose issue documents to work through",
        "     --issue=ID              run: only this issue of the milestone",
        "     --repo=DIR              run: the repository's top folder (default: the current one)",
    };

    private static final String[] FOOTER = {
        "",
        "Start it without options for the interactive session: type an idea to create a project,",
        "/help to see the commands.",
        "",
        "run works in an existing git repository that opts in with orchestrator.config.yaml (or",
        ".json) at its root; without one it says what to create. In run mode --config names that",
        "file, not the orchestrator's own configuration.",
        "",
        "Environment:",
        "  ORCHESTRATOR_HOME    folder for the database, logs and config.yaml",
        "  ORCHESTRATOR_<KEY>   any configuration key, e.g. ORCHESTRATOR_AGENT_MODEL=opus",
        "  NO_COLOR             plain output without colour",
        "",
        "Every configuration key is described in config/orchestrator.yaml.",
        "  ORCHESTRATOR_FAIL_AT_PHASE  like --fail-at-phase",
        "",
        "Exit codes: 0 completed (or a clean stop), 1 failed, 2 usage, configuration or database",
        "problem, 3 waiting for you (an approval, an answer, or a pause that says what to do, such",
        "as a merge your uncommitted changes hold up), 130 interrupted (state saved).",
    };

    /**
     * Reads the flags.
     *
     * @throws UsageException naming the flag that is wrong
     */
    static Cli parse(String[] args) {
        Options options;
        try {
            options = Options.compile(USAGE).parse(args);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replaceFirst("^orchestrator: ", "")
                    + ". Run 'orchestrator --help' for every option.");
        }
        Mode mode = mode(options);
        List<ConfigLoader.FlagSetting> settings = new ArrayList<>();
        if (options.isSet("workspace")) {
            settings.add(new ConfigLoader.FlagSetting("workspace", options.get("workspace"), "--workspace"));
        }
        if (options.isSet("autonomy")) {
            settings.add(new ConfigLoader.FlagSetting("autonomy", options.get("autonomy"), "--autonomy"));
        }
        if (options.isSet("set")) {
            for (String setting : options.getList("set")) {
                int equals = setting.indexOf('=');
                if (equals <= 0) {
                    throw new UsageException(
                            "--set needs KEY=VALUE, like --set agent.max_turns=80 (got '" + setting + "').");
                }
                settings.add(new ConfigLoader.FlagSetting(
                        setting.substring(0, equals).strip(),
                        setting.substring(equals + 1).strip(),
                        "--set " + setting));
            }
        }
        return new Cli(
                options.isSet("help"),
                options.isSet("version"),
                path(options, "home"),
                mode instanceof Mode.Run ? Optional.empty() : path(options, "config"),
                settings,
                options.isSet("verbose"),
                mode,
                options.isSet("fail-at-phase") ? Optional.of(options.get("fail-at-phase")) : Optional.empty());
    }

    private static Mode mode(Options options) {
        List<String> args = options.args();
        List<Mode> modes = new ArrayList<>();
        if (!args.isEmpty() && args.getFirst().equals("run")) {
            modes.add(run(options, args));
            args = List.of();
        } else {
            for (String flag : List.of("milestone", "issue", "repo")) {
                if (options.isSet(flag)) {
                    throw new UsageException("--" + flag + " belongs to run: orchestrator run --milestone=ID"
                            + (flag.equals("milestone") ? "" : " --" + flag + "=" + options.get(flag)) + ".");
                }
            }
        }
        if (!args.isEmpty() && args.getFirst().equals("generate")) {
            String idea = String.join(" ", args.subList(1, args.size())).strip();
            if (idea.isEmpty()) {
                throw new UsageException("generate needs the idea, e.g. orchestrator generate \"a CLI that renames "
                        + "photos by date\".");
            }
            modes.add(new Mode.Generate(idea));
            args = List.of();
        }
        if (options.isSet("idea-file")) {
            if (!options.isSet("no-interactive")) {
                throw new UsageException("--idea-file runs without the interactive session: add --no-interactive.");
            }
            modes.add(new Mode.IdeaFile(path(options, "idea-file").orElseThrow()));
        } else if (options.isSet("no-interactive") && modes.isEmpty() && !options.isSet("resume")) {
            throw new UsageException("--no-interactive needs something to run: --idea-file FILE, generate \"IDEA\" "
                    + "or --resume [ID].");
        }
        Optional<String> target = args.isEmpty() ? Optional.empty() : Optional.of(args.getFirst());
        if (args.size() > 1 || (target.isPresent() && !options.isSet("resume") && !options.isSet("status"))) {
            boolean targetAllowed = options.isSet("resume") || options.isSet("status");
            throw new UsageException("unexpected argument '" + args.get(targetAllowed ? 1 : 0) + "'. To start a "
                    + "project, run orchestrator and type the idea, or run orchestrator generate \"IDEA\".");
        }
        if (options.isSet("resume")) {
            modes.add(new Mode.Resume(target));
        }
        if (options.isSet("status")) {
            modes.add(new Mode.Status(target));
        }
        if (options.isSet("export")) {
            modes.add(new Mode.Export(options.get("export")));
        }
        if (modes.size() > 1) {
            throw new UsageException("choose one of generate, run, --idea-file, --resume, --status and --export.");
        }
        return modes.isEmpty() ? new Mode.Interactive() : modes.getFirst();
    }

    private static Mode.Run run(Options options, List<String> args) {
        if (args.size() > 1) {
            throw new UsageException("unexpected argument '" + args.get(1) + "' after run. Name the milestone with "
                    + "--milestone, e.g. orchestrator run --milestone=M1.");
        }
        if (!options.isSet("milestone") || options.get("milestone").isBlank()) {
            throw new UsageException("run needs the milestone: orchestrator run --milestone=ID [--issue=ID] "
                    + "[--config=PATH] [--repo=DIR], e.g. orchestrator run --milestone=M1.");
        }
        if (options.isSet("issue") && options.get("issue").isBlank()) {
            throw new UsageException("--issue needs an issue id, e.g. --issue=ISSUE-12, or leave it out to run the "
                    + "whole milestone.");
        }
        return new Mode.Run(
                options.get("milestone").strip(),
                options.isSet("issue") ? Optional.of(options.get("issue").strip()) : Optional.empty(),
                path(options, "config"),
                path(options, "repo"));
    }

    private static Optional<Path> path(Options options, String name) {
        if (!options.isSet(name)) {
            return Optional.empty();
        }
        String value = options.get(name);
        try {
            if (value.isBlank()) {
                throw new InvalidPathException(value, "empty");
            }
            return Optional.of(Path.of(value));
        } catch (InvalidPathException e) {
            throw new UsageException("--" + name + " needs a path (got '" + value + "').");
        }
    }

    static void printHelp(PrintWriter out) {
        for (String line : USAGE) {
            out.println(line);
        }
        for (String line : FOOTER) {
            out.println(line);
        }
    }
}
