package dev.orchestrator.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads the effective configuration from its layers, each overriding the one before: the built-in
 * defaults (config/orchestrator.yaml, packaged), {@code $ORCHESTRATOR_HOME/config.yaml}, the file
 * named by {@code --config}, {@code ORCHESTRATOR_*} environment variables, command-line flags.
 *
 * <p>The defaults document every key, so they also serve as the schema of what may be set: a key
 * they do not have is refused, with the closest known key suggested.
 */
public final class ConfigLoader {
    /** The resource holding the defaults; the build copies config/orchestrator.yaml there. */
    static final String DEFAULTS_RESOURCE = "/defaults/orchestrator.yaml";

    /** Keys whose values are open maps: any key may be set below them. */
    private static final List<String> OPEN_MAPS = List.of("/agent/env");

    /** Keys whose values map any name to a mapping with these keys (a model's price). */
    private static final Map<String, List<String>> OPEN_RECORD_MAPS =
            Map.of("/agent/prices", List.of("input", "cached_input", "output"));

    /** Environment variables with the prefix that are not configuration keys. */
    private static final List<String> NON_KEY_VARIABLES =
            List.of("ORCHESTRATOR_HOME", "ORCHESTRATOR_FAIL_AT_PHASE", "ORCHESTRATOR_JAVA_OPTS");

    static final String ENV_PREFIX = "ORCHESTRATOR_";

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    /** What the loader reads, besides the packaged defaults. */
    public record Inputs(
            Path home,
            Optional<Path> configFile,
            Map<String, String> environment,
            List<FlagSetting> flags,
            Path workingDirectory) {
        public Inputs {
            environment = Map.copyOf(environment);
            flags = List.copyOf(flags);
        }
    }

    /** A key set on the command line, e.g. {@code --set agent.model=opus} or {@code --autonomy full}. */
    public record FlagSetting(String key, String value, String flag) {}

    /** The result: the configuration, the files it was read from, and warnings worth showing. */
    public record Loaded(OrchestratorConfig config, List<Path> files, List<String> warnings) {
        public Loaded {
            files = List.copyOf(files);
            warnings = List.copyOf(warnings);
        }
    }

    private record Layer(ConfigSource source, ObjectNode tree) {}

    private final List<Layer> layers = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final Map<String, JsonNode> knownKeys = new TreeMap<>();
    private final Inputs inputs;

    private ConfigLoader(Inputs inputs) {
        this.inputs = inputs;
    }

    /**
     * Loads and validates the configuration.
     *
     * @throws ConfigException naming every problem found, with where each value was set
     */
    public static Loaded load(Inputs inputs) {
        return new ConfigLoader(inputs).run();
    }

    /** The environment variable that sets a key, e.g. {@code agent.max_turns} → {@code ORCHESTRATOR_AGENT_MAX_TURNS}. */
    public static String environmentVariable(String dottedKey) {
        return ENV_PREFIX + dottedKey.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    }

    private Loaded run() {
        ObjectNode defaults = readDefaults();
        collectKnownKeys(defaults, "");
        layers.add(new Layer(new ConfigSource.Defaults(), defaults));

        Path homeFile = inputs.home().resolve("config.yaml");
        if (Files.isRegularFile(homeFile)) {
            readFile(homeFile);
        }
        inputs.configFile().ifPresent(file -> {
            if (!Files.isRegularFile(file)) {
                problems.add(
                        "--config " + file + ": no such file. Give the path of a YAML file, or leave --config out.");
            } else {
                readFile(file);
            }
        });
        readEnvironment();
        readFlags();
        failIfProblems();

        ObjectNode merged = defaults.deepCopy();
        for (Layer layer : layers.subList(1, layers.size())) {
            merge(merged, layer.tree());
        }
        resolveWorkspace(merged);
        failIfProblems();
        OrchestratorConfig config = bind(merged);
        return new Loaded(config, files, warnings);
    }

    private void failIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the packaged defaults " + DEFAULTS_RESOURCE + " are missing; rebuild");
            }
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the packaged defaults", e);
        }
    }

    private void collectKnownKeys(JsonNode node, String pointer) {
        if (!pointer.isEmpty()) {
            knownKeys.put(pointer, node);
        }
        if (node.isObject() && !OPEN_MAPS.contains(pointer) && !OPEN_RECORD_MAPS.containsKey(pointer)) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collectKnownKeys(field.getValue(), pointer + "/" + field.getKey());
            }
        }
    }

    // ---- files -------------------------------------------------------------------------------

    private void readFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(file + ": cannot be read (" + e.getMessage() + "). Check its permissions.");
            return;
        }
        files.add(file);
        Map<String, Integer> lines = new TreeMap<>();
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
            recordLines(text, lines);
        } catch (StreamReadException e) {
            var where = e.getLocation();
            String firstLine = e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
            problems.add(file + (where == null ? "" : ", line " + where.getLineNr() + ", column " + where.getColumnNr())
                    + ": not valid YAML: " + firstLine);
            return;
        } catch (JacksonException e) {
            problems.add(file + ": not valid YAML: " + e.getOriginalMessage());
            return;
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        ConfigSource.File source = new ConfigSource.File(file, lines);
        if (!tree.isObject()) {
            problems.add(file + ": the top level must be a mapping of keys (like config/orchestrator.yaml), not a "
                    + describeKind(tree) + ".");
            return;
        }
        checkKeys((ObjectNode) tree, "", source);
        layers.add(new Layer(source, (ObjectNode) tree));
    }

    private static void recordLines(String text, Map<String, Integer> lines) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME) {
                    String pointer = parser.streamReadContext().pathAsPointer().toString();
                    lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
                }
            }
        }
    }

    /** Refuses keys the defaults do not have, and mappings where a single value belongs (and back). */
    private void checkKeys(ObjectNode tree, String pointer, ConfigSource source) {
        for (Map.Entry<String, JsonNode> field : tree.properties()) {
            String child = pointer + "/" + field.getKey();
            JsonNode known = knownKeys.get(child);
            if (known == null) {
                problems.add(unknownKey(child, source));
                continue;
            }
            JsonNode value = field.getValue();
            if (OPEN_RECORD_MAPS.containsKey(child) && value.isObject()) {
                checkOpenRecordMap((ObjectNode) value, child, OPEN_RECORD_MAPS.get(child), source);
            } else if (known.isObject() && !value.isObject()) {
                if (!(OPEN_MAPS.contains(child) && value.isNull())) {
                    problems.add(dotted(child) + " must be a mapping of keys, not " + describeKind(value) + " ("
                            + source.describe(child) + ").");
                }
            } else if (known.isObject() && !OPEN_MAPS.contains(child)) {
                checkKeys((ObjectNode) value, child, source);
            } else if (OPEN_MAPS.contains(child)) {
                checkOpenMap((ObjectNode) value, child, source);
            }
        }
    }

    private void checkOpenRecordMap(ObjectNode map, String pointer, List<String> keys, ConfigSource source) {
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            String at = pointer + "/" + entry.getKey();
            JsonNode value = entry.getValue();
            if (!value.isObject()) {
                problems.add(dotted(at) + " must be a mapping with the keys " + String.join(", ", keys) + ", not "
                        + describeKind(value) + " (" + source.describe(at) + ").");
                continue;
            }
            for (String key : value.propertyNames()) {
                if (!keys.contains(key)) {
                    problems.add("unknown key " + dotted(at + "/" + key) + " (" + source.describe(at + "/" + key)
                            + "); the keys allowed there are: " + String.join(", ", keys) + ".");
                }
            }
        }
    }

    private void checkOpenMap(ObjectNode map, String pointer, ConfigSource source) {
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isValueNode() || value.isNull()) {
                problems.add(dotted(pointer + "/" + entry.getKey()) + " must be a single value (text or number), not "
                        + describeKind(value) + " (" + source.describe(pointer + "/" + entry.getKey()) + ").");
            }
        }
    }

    private String unknownKey(String pointer, ConfigSource source) {
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        String nearest = null;
        int best = Integer.MAX_VALUE;
        List<String> siblings = new ArrayList<>();
        for (String key : knownKeys.keySet()) {
            if (key.startsWith(parent + "/") && key.indexOf('/', parent.length() + 1) < 0) {
                String name = key.substring(parent.length() + 1);
                siblings.add(name);
                int distance = org.jline.utils.Levenshtein.distance(name, pointer.substring(parent.length() + 1));
                if (distance < best) {
                    best = distance;
                    nearest = key;
                }
            }
        }
        String message = "unknown key " + dotted(pointer) + " (" + source.describe(pointer) + ")";
        if (nearest != null && best <= 3) {
            message += "; did you mean " + dotted(nearest) + "?";
        } else if (!siblings.isEmpty()) {
            message += "; the keys allowed " + (parent.isEmpty() ? "at the top level" : "under " + dotted(parent))
                    + " are: " + String.join(", ", siblings) + ".";
        }
        return message;
    }

    // ---- environment and flags ---------------------------------------------------------------

    private void readEnvironment() {
        Map<String, String> byVariable = new TreeMap<>();
        for (String pointer : knownKeys.keySet()) {
            if (isSettableLeaf(pointer)) {
                byVariable.put(environmentVariable(dotted(pointer)), pointer);
            }
        }
        for (Map.Entry<String, String> variable : new TreeMap<>(inputs.environment()).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(ENV_PREFIX) || NON_KEY_VARIABLES.contains(name)) {
                continue;
            }
            String pointer = byVariable.get(name);
            if (pointer == null) {
                String nearest = nearest(name, byVariable.keySet());
                warnings.add("ignoring environment variable " + name + ": it sets no configuration key"
                        + (nearest == null ? "." : "; did you mean " + nearest + "?"));
                continue;
            }
            addScalarLayer(pointer, variable.getValue(), new ConfigSource.Environment(name));
        }
    }

    private void readFlags() {
        for (FlagSetting flag : inputs.flags()) {
            String pointer = "/" + flag.key().replace('.', '/');
            if (!isSettableLeaf(pointer) || !knownKeys.containsKey(pointer)) {
                List<String> leaves = knownKeys.keySet().stream()
                        .filter(this::isSettableLeaf)
                        .map(ConfigLoader::dotted)
                        .toList();
                String nearest = nearest(flag.key(), leaves);
                problems.add(flag.flag() + ": " + flag.key() + " is not a key that takes a single value"
                        + (nearest == null ? "." : "; did you mean " + nearest + "?"));
                continue;
            }
            addScalarLayer(pointer, flag.value(), new ConfigSource.Flag(flag.flag()));
        }
    }

    private boolean isSettableLeaf(String pointer) {
        JsonNode known = knownKeys.get(pointer);
        return known != null && !known.isObject();
    }

    /** Text from the environment or a flag: {@code null} unsets, anything else binds as the key's type. */
    private void addScalarLayer(String pointer, String value, ConfigSource source) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode parent = root;
        String[] parts = pointer.substring(1).split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.putObject(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (value.equals("null")) {
            parent.putNull(last);
        } else {
            parent.put(last, value);
        }
        layers.add(new Layer(source, root));
    }

    private static String nearest(String name, Iterable<String> candidates) {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = org.jline.utils.Levenshtein.distance(candidate, name);
            if (distance < best) {
                best = distance;
                nearest = candidate;
            }
        }
        return best <= Math.max(3, name.length() / 4) ? nearest : null;
    }

    // ---- merging, resolving, binding ---------------------------------------------------------

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                into.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    private void resolveWorkspace(ObjectNode merged) {
        JsonNode value = merged.get("workspace");
        if (value == null || value.isNull()) {
            merged.put(
                    "workspace",
                    inputs.home()
                            .resolve("workspace")
                            .toAbsolutePath()
                            .normalize()
                            .toString());
        } else {
            resolvePath(merged, "workspace", "/workspace", "a folder path or null");
        }
        if (merged.get("agent") instanceof ObjectNode agent) {
            resolvePath(agent, "script", "/agent/script", "a file path or null");
        }
        if (merged.get("prompts") instanceof ObjectNode prompts) {
            resolvePath(prompts, "dir", "/prompts/dir", "a folder path or null");
        }
    }

    /**
     * Makes the path at {@code key} absolute: a leading ~ is the home folder, and a relative path is
     * relative to the file that set it (the working directory for flags and variables).
     */
    private void resolvePath(ObjectNode parent, String key, String pointer, String expected) {
        JsonNode value = parent.get(key);
        if (value == null || value.isNull()) {
            return;
        }
        String name = pointer.substring(1).replace('/', '.');
        if (!value.isString() || value.asString().isBlank()) {
            problems.add(name + " must be " + expected + ", not " + describeKind(value) + " ("
                    + sourceOf(pointer).describe(pointer) + ").");
            return;
        }
        String text = value.asString().strip();
        try {
            Path path = text.equals("~") || text.startsWith("~/")
                    ? Path.of(System.getProperty("user.home")).resolve(text.substring(Math.min(2, text.length())))
                    : Path.of(text);
            parent.put(
                    key,
                    baseDirectory(sourceOf(pointer))
                            .resolve(path)
                            .toAbsolutePath()
                            .normalize()
                            .toString());
        } catch (InvalidPathException e) {
            problems.add(name + ": \"" + text + "\" is not a valid path (" + e.getReason() + "; "
                    + sourceOf(pointer).describe(pointer) + ").");
        }
    }

    private Path baseDirectory(ConfigSource source) {
        if (source instanceof ConfigSource.File file
                && file.path().toAbsolutePath().getParent() != null) {
            return file.path().toAbsolutePath().getParent();
        }
        return inputs.workingDirectory();
    }

    /** The last layer that set the value at this pointer, or at its closest parent that any layer set. */
    private ConfigSource sourceOf(String pointer) {
        for (String p = pointer; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
            for (Layer layer : layers.reversed()) {
                if (!layer.tree().at(p).isMissingNode()) {
                    return layer.source();
                }
            }
        }
        return layers.getFirst().source();
    }

    private OrchestratorConfig bind(ObjectNode merged) {
        try {
            return MAPPER.treeToValue(merged, OrchestratorConfig.class);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof InvalidSetting invalid) {
                String pointer = pointerOf(e.getPath()) + "/" + invalid.key();
                throw new ConfigException(dotted(pointer) + " " + invalid.getMessage() + " ("
                        + sourceOf(pointer).describe(pointer) + ").");
            }
            throw new ConfigException(describeBindingError(e));
        } catch (JacksonException e) {
            throw new ConfigException(describeBindingError(e));
        }
    }

    private String describeBindingError(JacksonException e) {
        String pointer = pointerOf(e.getPath());
        String where = " (" + sourceOf(pointer).describe(pointer) + ")";
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType() != null) {
            Class<?> target = invalid.getTargetType();
            if (target.isEnum()) {
                return dotted(pointer) + ": \"" + invalid.getValue() + "\" is not allowed" + where
                        + "; allowed values: " + String.join(", ", ConfigEnums.wireNames(target)) + ".";
            }
            return dotted(pointer) + ": \"" + invalid.getValue() + "\" is not " + describeType(target) + where + ".";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return dotted(pointer) + " must be " + describeType(mismatch.getTargetType()) + where + ".";
        }
        return dotted(pointer) + ": "
                + e.getOriginalMessage().lines().findFirst().orElse("invalid value") + where + ".";
    }

    private static String describeType(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == java.math.BigDecimal.class) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of: " + String.join(", ", ConfigEnums.wireNames(type));
        }
        if (type == String.class || type == Optional.class) {
            return "a single value";
        }
        return "a " + type.getSimpleName().replaceAll("Config$", "").toLowerCase(java.util.Locale.ROOT) + " mapping";
    }

    private static String pointerOf(List<JacksonException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                pointer.append('/').append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                pointer.append('/').append(reference.getIndex());
            }
        }
        return pointer.toString();
    }

    private static String dotted(String pointer) {
        return pointer.isEmpty() ? "(top level)" : pointer.substring(1).replace('/', '.');
    }

    private static String describeKind(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNull()) {
            return "null";
        }
        return "the value " + node;
    }
}
