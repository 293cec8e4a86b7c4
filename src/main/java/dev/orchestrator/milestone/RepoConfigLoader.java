package dev.orchestrator.milestone;

import dev.orchestrator.config.AgentBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jline.utils.Levenshtein;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Finds and reads a repository's {@link RepoConfig}: {@code orchestrator.config.yaml} (or
 * {@code .yml}, or {@code .json}) at the repository's root, or the file given with {@code --config}.
 * Every problem is reported at once, with the file, the line and the key.
 */
public final class RepoConfigLoader {
    /** The names looked for at the repository root, in the order they are named in messages. */
    public static final List<String> FILE_NAMES =
            List.of("orchestrator.config.yaml", "orchestrator.config.yml", "orchestrator.config.json");

    /** A complete configuration with every key, shown when a repository has none. */
    public static final String EXAMPLE = """
            # orchestrator.config.yaml: opts this repository in to `orchestrator run --milestone`
            issue_globs:                  # the issue documents, relative to the repository root
              - docs/issues/**/*.md
            fields:                       # the names of their YAML front-matter fields
              id: id                      # absent in a document: its file name without the extension
              title: title                # absent: the document's first "# heading", else the id
              milestone: milestone
              depends_on: depends_on      # a YAML list of ids, or "A, B"
            runner: claude                # claude, codex or scripted; absent: the orchestrator's agent.backend
            # model: sonnet               # the runner's model; absent: the runner's default
            base_branch: main             # issue branches start here and merge back here
            merge: true                   # merge each reviewed issue branch into base_branch
            log_root: .orchestrator/logs  # raw logs and parsed answers, per issue and phase
            max_review_cycles: 2          # review/fix cycles per issue, 0 to 2
            # test_command: mvn -q test   # run after a merge conflict is resolved; absent: none
            """;

    private static final Map<String, List<String>> KEYS = Map.of(
            "",
            List.of(
                    "issue_globs",
                    "fields",
                    "runner",
                    "model",
                    "base_branch",
                    "merge",
                    "log_root",
                    "max_review_cycles",
                    "test_command"),
            "fields",
            List.of("id", "title", "milestone", "depends_on"));

    private static final Map<String, AgentBackend> RUNNERS = runners();

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path repo;
    private final Path file;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> lines = new TreeMap<>();

    private RepoConfigLoader(Path repo, Path file) {
        this.repo = repo;
        this.file = file;
    }

    /**
     * Reads the configuration of the repository whose top folder is {@code repo}.
     *
     * @param explicit the file named by {@code --config}, if any (relative paths resolve against the repository)
     * @throws MilestoneException when there is no file (the message shows an example to create), or it is invalid
     */
    public static RepoConfig load(Path repo, Optional<Path> explicit) {
        Path root = repo.toAbsolutePath().normalize();
        return new RepoConfigLoader(root, find(root, explicit)).read();
    }

    /** The configuration file of {@code repo}: the explicit one, else the one at its root. */
    static Path find(Path repo, Optional<Path> explicit) {
        if (explicit.isPresent()) {
            Path given = repo.resolve(explicit.get()).normalize();
            if (!Files.isRegularFile(given)) {
                throw new MilestoneException("--config " + given + ": no such file. Give the path of the "
                        + "repository's orchestrator.config.yaml or .json, or leave --config out to use the one at "
                        + repo + ".");
            }
            return given;
        }
        List<Path> present = FILE_NAMES.stream()
                .map(repo::resolve)
                .filter(Files::isRegularFile)
                .toList();
        if (present.size() > 1) {
            throw new MilestoneException("the repository " + repo + " has more than one configuration: "
                    + String.join(" and ", present.stream().map(Path::toString).toList())
                    + ". Keep one and delete the other" + (present.size() > 2 ? "s" : "") + ".");
        }
        if (present.isEmpty()) {
            throw new MilestoneException("the repository " + repo + " has no orchestrator.config.yaml (nor "
                    + "orchestrator.config.json), so it has not opted in to run --milestone. Create "
                    + repo.resolve("orchestrator.config.yaml") + " (or pass --config PATH), for example:\n\n"
                    + EXAMPLE.indent(4).stripTrailing());
        }
        return present.getFirst();
    }

    private RepoConfig read() {
        JsonNode tree = parse();
        if (!tree.isObject()) {
            throw failure(List.of("the top level must be a mapping of keys, like this:\n\n"
                    + EXAMPLE.indent(4).stripTrailing()));
        }
        checkKeys((ObjectNode) tree, "");
        JsonNode fieldsNode = tree.path("fields");
        if (!fieldsNode.isMissingNode() && !fieldsNode.isNull() && !fieldsNode.isObject()) {
            problems.add("fields must be a mapping with the keys id, title, milestone, depends_on" + at("fields"));
        }
        List<String> globs = globs(tree.get("issue_globs"));
        Optional<String> idField = text(tree.path("fields").get("id"), "fields.id");
        Optional<String> titleField = text(tree.path("fields").get("title"), "fields.title");
        Optional<String> milestoneField = text(tree.path("fields").get("milestone"), "fields.milestone");
        Optional<String> dependsOnField = text(tree.path("fields").get("depends_on"), "fields.depends_on");
        Optional<AgentBackend> runner = runner(tree.get("runner"));
        Optional<String> model = text(tree.get("model"), "model");
        Optional<String> baseBranch = text(tree.get("base_branch"), "base_branch");
        Optional<Boolean> merge = bool(tree.get("merge"), "merge");
        Optional<Path> logRoot = path(tree.get("log_root"), "log_root");
        Optional<Integer> cycles = wholeNumber(tree.get("max_review_cycles"), "max_review_cycles");
        Optional<String> testCommand = text(tree.get("test_command"), "test_command");
        if (!problems.isEmpty()) {
            throw failure(problems);
        }
        RepoConfig.Fields defaults = RepoConfig.Fields.DEFAULTS;
        try {
            return new RepoConfig(
                    file,
                    repo,
                    globs,
                    new RepoConfig.Fields(
                            idField.orElse(defaults.id()),
                            titleField.orElse(defaults.title()),
                            milestoneField.orElse(defaults.milestone()),
                            dependsOnField.orElse(defaults.dependsOn())),
                    runner,
                    model,
                    baseBranch.orElse(RepoConfig.DEFAULT_BASE_BRANCH),
                    merge.orElse(true),
                    logRoot.orElse(repo.resolve(RepoConfig.DEFAULT_LOG_ROOT)),
                    cycles.orElse(RepoConfig.DEFAULT_MAX_REVIEW_CYCLES),
                    testCommand);
        } catch (RepoConfig.InvalidKey e) {
            throw failure(List.of(e.getMessage() + at(e.key())));
        }
    }

    private JsonNode parse() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MilestoneException(file + ": cannot be read (" + e.getMessage() + "). Check its permissions.");
        }
        boolean json = file.getFileName().toString().endsWith(".json");
        ObjectMapper mapper = json ? JSON : YAML;
        try {
            JsonNode tree = mapper.readTree(text);
            recordLines(mapper, text);
            return tree == null || tree.isMissingNode() || tree.isNull() ? JsonNodeFactory.instance.objectNode() : tree;
        } catch (StreamReadException e) {
            var where = e.getLocation();
            String firstLine = e.getOriginalMessage().lines().findFirst().orElse("");
            throw new MilestoneException(file
                    + (where == null ? "" : ", line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + ": not valid " + (json ? "JSON" : "YAML") + ": " + firstLine + ". Fix it there.");
        } catch (JacksonException e) {
            throw new MilestoneException(
                    file + ": not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage() + ".");
        }
    }

    private void recordLines(ObjectMapper mapper, String text) {
        try (JsonParser parser = mapper.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME) {
                    String pointer = parser.streamReadContext().pathAsPointer().toString();
                    lines.putIfAbsent(
                            pointer.substring(1).replace('/', '.'),
                            parser.currentTokenLocation().getLineNr());
                }
            }
        }
    }

    private void checkKeys(ObjectNode tree, String parent) {
        List<String> allowed = KEYS.get(parent);
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            String key = parent.isEmpty() ? field.getKey() : parent + "." + field.getKey();
            if (!allowed.contains(field.getKey())) {
                problems.add(unknownKey(key, field.getKey(), parent));
            } else if (KEYS.containsKey(key) && field.getValue() instanceof ObjectNode child) {
                checkKeys(child, key);
            }
        }
    }

    private String unknownKey(String key, String name, String parent) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (Map.Entry<String, List<String>> level : KEYS.entrySet()) {
            for (String candidate : level.getValue()) {
                int distance = Levenshtein.distance(candidate, name);
                if (distance < best) {
                    best = distance;
                    nearest = level.getKey().isEmpty() ? candidate : level.getKey() + "." + candidate;
                }
            }
        }
        String message = "unknown key " + key + at(key);
        if (nearest != null && best <= Math.max(2, name.length() / 4)) {
            return message + "; did you mean " + nearest + "?";
        }
        return message + "; the keys allowed " + (parent.isEmpty() ? "at the top level" : "under " + parent) + " are: "
                + String.join(", ", KEYS.get(parent)) + ".";
    }

    private List<String> globs(JsonNode node) {
        if (node == null || node.isNull()) {
            problems.add("issue_globs must be set: the globs of the issue documents, like docs/issues/**/*.md"
                    + (node == null ? " (" + file + ")" : at("issue_globs")));
            return List.of();
        }
        if (node.isString()) {
            return List.of(node.stringValue());
        }
        List<String> globs = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (!element.isString()) {
                    problems.add("issue_globs must be a list of globs (text), but has " + describe(element)
                            + at("issue_globs"));
                    return List.of();
                }
                globs.add(element.stringValue());
            }
            return globs;
        }
        problems.add("issue_globs must be a list of globs, not " + describe(node) + at("issue_globs"));
        return List.of();
    }

    private Optional<String> text(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isString() || node.isNumber()) {
            return Optional.of(node.asString().strip());
        }
        problems.add(key + " must be text, not " + describe(node) + at(key));
        return Optional.empty();
    }

    private Optional<Boolean> bool(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        problems.add(key + " must be true or false, not " + describe(node) + at(key));
        return Optional.empty();
    }

    private Optional<Integer> wholeNumber(JsonNode node, String key) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return Optional.of(node.intValue());
        }
        problems.add(key + " must be a whole number, not " + describe(node) + at(key));
        return Optional.empty();
    }

    private Optional<AgentBackend> runner(JsonNode node) {
        Optional<String> name = text(node, "runner");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        AgentBackend backend = RUNNERS.get(name.get());
        if (backend == null) {
            problems.add("runner: \"" + name.get() + "\" is not allowed" + at("runner")
                    + "; allowed values: claude, codex, scripted (or leave it out to use the orchestrator's "
                    + "agent.backend)");
            return Optional.empty();
        }
        return Optional.of(backend);
    }

    /** A path relative to the repository root, or absolute; {@code ~/} is the home folder. */
    private Optional<Path> path(JsonNode node, String key) {
        Optional<String> text = text(node, key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String value = text.get();
        if (value.isEmpty()) {
            problems.add(key + " must be a folder path, not empty" + at(key));
            return Optional.empty();
        }
        try {
            Path path = value.equals("~") || value.startsWith("~/")
                    ? Path.of(System.getProperty("user.home")).resolve(value.substring(Math.min(2, value.length())))
                    : Path.of(value);
            return Optional.of(repo.resolve(path).normalize());
        } catch (InvalidPathException e) {
            problems.add(key + ": \"" + value + "\" is not a valid path (" + e.getReason() + ")" + at(key));
            return Optional.empty();
        }
    }

    /** {@code " (FILE, line N)"} for a dotted key, or its closest parent that has a line. */
    private String at(String key) {
        for (String k = key; ; k = k.substring(0, k.lastIndexOf('.'))) {
            Integer line = lines.get(k);
            if (line != null) {
                return " (" + file + ", line " + line + ")";
            }
            if (k.indexOf('.') < 0) {
                return " (" + file + ")";
            }
        }
    }

    private MilestoneException failure(List<String> found) {
        StringBuilder text = new StringBuilder("invalid repository configuration " + file + ":");
        for (String problem : found) {
            text.append("\n  ").append(problem);
        }
        return new MilestoneException(text.append(
                        "\nThe keys are described in the README, section \"Running on an" + " existing repository\".")
                .toString());
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return "the value " + node;
    }

    private static Map<String, AgentBackend> runners() {
        Map<String, AgentBackend> runners = new LinkedHashMap<>();
        runners.put("claude", AgentBackend.CLAUDE_CODE);
        for (AgentBackend backend : AgentBackend.values()) {
            runners.put(backend.toString(), backend);
        }
        return Map.copyOf(runners);
    }
}
