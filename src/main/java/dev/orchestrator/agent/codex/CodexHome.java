package dev.orchestrator.agent.codex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Codex's configuration folder ({@code $CODEX_HOME}, default {@code ~/.codex}): what Orchestrator
 * reads from it, never writes. {@code config.toml} is read with a line scanner that understands
 * top-level {@code key = "value"} lines and {@code [section]} headers, enough for {@code model},
 * {@code model_provider} and a provider's {@code env_key}; anything fancier is not understood and
 * simply not used.
 */
record CodexHome(Path folder) {
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*([^\\]]+?)\\s*]\\s*(#.*)?$");
    private static final Pattern STRING_KEY =
            Pattern.compile("^\\s*([A-Za-z0-9_.-]+)\\s*=\\s*[\"']([^\"']*)[\"']\\s*(#.*)?$");

    /** {@code CODEX_HOME} from agent.env, else from Orchestrator's environment, else {@code ~/.codex}. */
    static CodexHome of(Map<String, String> environment) {
        String home = environment.get("CODEX_HOME");
        if (home == null || home.isBlank()) {
            return new CodexHome(Path.of(System.getProperty("user.home"), ".codex"));
        }
        return new CodexHome(Path.of(home));
    }

    boolean hasAuthFile() {
        return Files.isRegularFile(folder.resolve("auth.json"));
    }

    /** The top-level {@code model} of config.toml. */
    Optional<String> model() {
        return Optional.ofNullable(config().get("model"));
    }

    /** The top-level {@code model_provider} of config.toml. */
    Optional<String> modelProvider() {
        return Optional.ofNullable(config().get("model_provider"));
    }

    /** The {@code env_key} of {@code [model_providers.<provider>]} in config.toml. */
    Optional<String> envKey(String provider) {
        return Optional.ofNullable(config().get("model_providers." + provider + ".env_key"));
    }

    /** Whether config.toml has a {@code [model_providers.<provider>]} section. */
    boolean definesProvider(String provider) {
        String prefix = "model_providers." + provider + ".";
        return config().keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /**
     * The thread's token totals as its session file ({@code sessions/YYYY/MM/DD/rollout-…-<id>.jsonl})
     * last recorded them; empty when there is no such file or no count in it.
     */
    Optional<TokenTotals> threadTotals(String threadId) {
        Optional<Path> file = rollout(threadId);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return lastTotals(file.get());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The thread's session file, {@code sessions/YYYY/MM/DD/rollout-…-<id>.jsonl}, if there is one. */
    private Optional<Path> rollout(String threadId) {
        Path sessions = folder.resolve("sessions");
        if (!Files.isDirectory(sessions) || !threadId.matches("[A-Za-z0-9-]+")) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(sessions, 4)) {
            List<Path> rollouts = files.filter(f -> f.getFileName().toString().endsWith("-" + threadId + ".jsonl"))
                    .toList();
            return rollouts.isEmpty() ? Optional.empty() : Optional.of(rollouts.getLast());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * The thread's token totals as they were before {@code moment}: the last count its session file
     * recorded earlier (zero when it recorded none, as for a thread that {@code moment}'s call
     * started); empty when there is no such file. An adopted call's usage is its totals at its end
     * less these, taken at its process's start.
     */
    Optional<TokenTotals> threadTotalsBefore(String threadId, java.time.Instant moment) {
        Optional<Path> file = rollout(threadId);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(lastTotals(file.get(), Optional.of(moment)).orElse(TokenTotals.ZERO));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The last {@code token_count} event's {@code total_token_usage} of a rollout file. */
    static Optional<TokenTotals> lastTotals(Path rollout) throws IOException {
        return lastTotals(rollout, Optional.empty());
    }

    /** The same, among the counts recorded before {@code before} (each line's {@code timestamp}). */
    private static Optional<TokenTotals> lastTotals(Path rollout, Optional<java.time.Instant> before)
            throws IOException {
        Optional<TokenTotals> last = Optional.empty();
        try (Stream<String> lines = Files.lines(rollout, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines.filter(l -> l.contains("\"total_token_usage\""))::iterator) {
                if (before.isPresent()
                        && !CodexEvents.timestamp(line)
                                .map(before.get()::isAfter)
                                .orElse(false)) {
                    continue;
                }
                Optional<TokenTotals> totals = CodexEvents.tokenCount(line);
                if (totals.isPresent()) {
                    last = totals;
                }
            }
        }
        return last;
    }

    /**
     * A folder of its own for one line of calls (a work item's), seeded from this one: its
     * {@code config.toml} and instructions copied, its {@code auth.json} linked (so a token the CLI
     * refreshes is the person's own). Codex keeps its sessions and history there, where calls
     * running at once cannot step on each other's; {@link #cleanUp} removes it.
     */
    CodexHome seed(Path lane) throws IOException {
        Files.createDirectories(lane);
        for (String file : List.of("config.toml", "AGENTS.md", "AGENTS.override.md")) {
            Path source = folder.resolve(file);
            Path target = lane.resolve(file);
            if (Files.isRegularFile(source) && !Files.exists(target)) {
                Files.copy(source, target);
            }
        }
        Path auth = folder.resolve("auth.json");
        Path linked = lane.resolve("auth.json");
        if (Files.isRegularFile(auth) && !Files.exists(linked, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(linked, auth.toAbsolutePath());
        }
        return new CodexHome(lane);
    }

    /**
     * Removes a seeded folder. An {@code auth.json} the CLI replaced with a newer file of its own
     * (a refreshed login) is copied back to the person's folder first.
     */
    static void cleanUp(CodexHome lane, CodexHome person) throws IOException {
        Path auth = lane.folder().resolve("auth.json");
        Path theirs = person.folder().resolve("auth.json");
        if (Files.isRegularFile(auth, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(theirs)
                && Files.getLastModifiedTime(auth).compareTo(Files.getLastModifiedTime(theirs)) > 0) {
            Path temporary = theirs.resolveSibling(
                    "auth.json.orchestrator-" + ProcessHandle.current().pid());
            Files.copy(auth, temporary, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                    temporary,
                    theirs,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.exists(lane.folder())) {
            try (Stream<Path> walk = Files.walk(lane.folder())) {
                for (Path path :
                        walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** config.toml's string settings by dotted key ({@code model_providers.fake.env_key}). */
    private Map<String, String> config() {
        Path file = folder.resolve("config.toml");
        Map<String, String> values = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return values;
        }
        String section = "";
        for (String line : lines) {
            Matcher header = SECTION.matcher(line);
            if (header.matches()) {
                section = header.group(1).replace("\"", "") + ".";
                values.put(section + "[]", "");
                continue;
            }
            Matcher key = STRING_KEY.matcher(line);
            if (key.matches()) {
                values.put(section + key.group(1), key.group(2));
            }
        }
        return values;
    }
}
