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
    }

    static final String[] USAGE = {
        "orchestrator - turns an idea into working software",
        "Usage: orchestrator [OPTIONS]",
        "       orchestrator generate \"IDEA\" [OPTIONS]",
        "  -? --help                  Show this help and exit",
        "  -V --version               Print the version and exit",
        "     --home=DIR              Keep the database, logs and config.yaml in DIR",
        "                             (default: $ORCHESTRATOR_HOME, else ~/.orchestrator)",
        "     --config=FILE           Read FILE after $ORCHESTRATOR_HOME/config.yaml; its keys win",
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
    };

    private static final String[] FOOTER = {
        "",
        "Start it without options for the interactive session: type an idea to create a project,",
        "/help to see the commands.",
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
        "problem, 3 waiting for you (an approval or an answer), 130 interrupted (state saved).",
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
                path(options, "config"),
                settings,
                options.isSet("verbose"),
                mode,
                options.isSet("fail-at-phase") ? Optional.of(options.get("fail-at-phase")) : Optional.empty());
    }

    private static Mode mode(Options options) {
        List<String> args = options.args();
        List<Mode> modes = new ArrayList<>();
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
            throw new UsageException("choose one of generate, --idea-file, --resume, --status and --export.");
        }
        return modes.isEmpty() ? new Mode.Interactive() : modes.getFirst();
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
