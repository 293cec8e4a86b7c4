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
        boolean verbose) {

    static final String[] USAGE = {
        "orchestrator - turns an idea into working software",
        "Usage: orchestrator [OPTIONS]",
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
        "Exit codes: 0 done, 1 failed, 2 usage, configuration or database problem.",
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
        if (!options.args().isEmpty()) {
            throw new UsageException("unexpected argument '" + options.args().getFirst()
                    + "'. To start a project, run orchestrator and type the idea at the prompt.");
        }
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
                options.isSet("verbose"));
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
