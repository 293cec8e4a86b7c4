package dev.orchestrator.agent;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a script file into a {@link Script}, collecting every problem (with its line) before
 * failing, so that one run shows all that needs fixing.
 */
final class ScriptParser {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static final List<String> TOP_KEYS = List.of("delay_ms", "calls_log", "responses");
    private static final List<String> ENTRY_KEYS = List.of(
            "contract",
            "role",
            "phase",
            "item",
            "prompt_contains",
            "times",
            "json",
            "reply",
            "files",
            "delay_ms",
            "fail",
            "usage");
    private static final List<String> FAIL_KEYS = List.of("class", "message", "retry_after_ms");
    private static final List<String> USAGE_KEYS =
            List.of("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd");

    private final Path file;
    private final Map<String, Integer> lines = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    private record Problem(int line, String text) {}

    private ScriptParser(Path file) {
        this.file = file;
    }

    /** @throws ScriptException naming the file and, for each problem, its line and key */
    static Script parse(Path file) {
        return new ScriptParser(file).parse();
    }

    private Script parse() {
        JsonNode root = read();
        if (root.isMissingNode() || root.isNull()) {
            return new Script(file, Duration.ZERO, Optional.empty(), List.of());
        }
        if (!root.isObject()) {
            throw new ScriptException(
                    file, "the top level must be a mapping with the keys " + TOP_KEYS + ", not " + kind(root) + ".");
        }
        checkKeys(root, "", TOP_KEYS);
        Duration delay = millis(root, "/delay_ms").orElse(Duration.ZERO);
        Optional<Path> callsLog = callsLog(root.get("calls_log"));
        List<Script.Entry> entries = new ArrayList<>();
        JsonNode responses = root.get("responses");
        if (responses != null && !responses.isNull()) {
            if (!responses.isArray()) {
                problem("/responses", "must be a list of entries (each starting with '- '), not " + kind(responses));
            } else {
                for (int i = 0; i < responses.size(); i++) {
                    entry(responses.get(i), i).ifPresent(entries::add);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ScriptException(
                    file,
                    problems.stream()
                            .sorted(Comparator.comparingInt(Problem::line))
                            .map(Problem::text)
                            .toList());
        }
        return new Script(file, delay, callsLog, entries);
    }

    private JsonNode read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScriptException(file, "no such file. Give the path of a YAML script.");
        } catch (IOException e) {
            throw new ScriptException(file, "cannot be read (" + e.getMessage() + "). Check its permissions.");
        }
        try {
            recordLines(text);
            return YAML.readTree(text);
        } catch (JacksonException e) {
            var where = e.getLocation();
            throw new ScriptException(
                    file,
                    (where == null || where.getLineNr() < 1 ? "" : "line " + where.getLineNr() + ": ")
                            + "not valid YAML: " + describe(e));
        }
    }

    /** The parser's words without its source excerpts: "while parsing ...; expected ..., but found ...". */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        // the parser's own lines start at the margin; its quotes of the source are indented
        String words = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(String::strip)
                .distinct()
                .collect(Collectors.joining("; "));
        return words.isEmpty() ? "cannot be parsed" : words;
    }

    private void recordLines(String text) {
        try (JsonParser parser = YAML.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                lines.putIfAbsent(
                        parser.streamReadContext().pathAsPointer().toString(),
                        parser.currentTokenLocation().getLineNr());
            }
        }
    }

    // ---- entries -------------------------------------------------------------------------------

    private Optional<Script.Entry> entry(JsonNode node, int index) {
        String at = "/responses/" + index;
        if (!node.isObject()) {
            problem(at, "each entry must be a mapping (contract:, json:, ...), not " + kind(node));
            return Optional.empty();
        }
        int before = problems.size();
        checkKeys(node, at, ENTRY_KEYS);
        Script.Match match = new Script.Match(
                named(
                        node,
                        at + "/contract",
                        "contract id",
                        id -> Contract.fromId(id).orElse(null),
                        contractIds()),
                named(node, at + "/role", "role", ScriptParser::role, wireNames(Role.values(), Role::wireName)),
                named(
                        node,
                        at + "/phase",
                        "phase",
                        PhaseName::fromWireName,
                        wireNames(PhaseName.values(), PhaseName::toString)),
                scalar(node, at + "/item"),
                scalar(node, at + "/prompt_contains"));
        OptionalInt times = OptionalInt.empty();
        if (node.has("times")) {
            long value = whole(node.get("times"), at + "/times", 1).orElse(1L);
            times = OptionalInt.of((int) Math.min(value, Integer.MAX_VALUE));
        }
        Script.Reply reply = reply(node, at);
        Map<String, String> files = files(node.get("files"), at + "/files");
        Optional<Duration> delay = millis(node, at + "/delay_ms");
        Optional<AgentResult.Outcome.Failure> fail = fail(node.get("fail"), at + "/fail");
        Usage usage = usage(node.get("usage"), at + "/usage");
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Script.Entry(index, lineOf(at), match, times, reply, files, delay, fail, usage));
    }

    private Script.Reply reply(JsonNode entry, String at) {
        JsonNode json = entry.get("json");
        JsonNode reply = entry.get("reply");
        if (json != null && reply != null) {
            problem(at + "/reply", "an entry answers with json or with reply, not both");
            return new Script.Reply.Default();
        }
        if (json != null) {
            if (json.isNull()) {
                problem(at + "/json", "must be the JSON document to answer with, not null");
            }
            return new Script.Reply.Document(json);
        }
        if (reply != null) {
            return scalar(entry, at + "/reply")
                    .<Script.Reply>map(Script.Reply.Verbatim::new)
                    .orElseGet(Script.Reply.Default::new);
        }
        return new Script.Reply.Default();
    }

    private Map<String, String> files(JsonNode node, String at) {
        Map<String, String> files = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return files;
        }
        if (!node.isObject()) {
            problem(at, "must be a mapping of file path to its text, not " + kind(node));
            return files;
        }
        for (Map.Entry<String, JsonNode> file : node.properties()) {
            String pointer = at + "/" + escape(file.getKey());
            Optional<String> refusal = checkRelative(file.getKey());
            if (refusal.isPresent()) {
                problem(pointer, refusal.get());
            } else if (!file.getValue().isValueNode() || file.getValue().isNull()) {
                problem(pointer, "the file's text must be a single value (a string), not " + kind(file.getValue()));
            } else {
                files.put(file.getKey(), file.getValue().asString());
            }
        }
        return files;
    }

    /** Why a path from a script may not be written, or empty when it is a plain path inside the task's folder. */
    static Optional<String> checkRelative(String path) {
        try {
            Path relative = Path.of(path);
            Path normal = relative.normalize();
            if (path.isBlank() || relative.isAbsolute()) {
                return Optional.of("the path '" + path + "' must be relative to the task's folder");
            }
            if (normal.toString().isEmpty() || normal.startsWith("..")) {
                return Optional.of("the path '" + path + "' leaves the task's folder");
            }
            return Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.of("the path '" + path + "' is not valid (" + e.getReason() + ")");
        }
    }

    private Optional<AgentResult.Outcome.Failure> fail(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            problem(at, "must be a mapping {class: ..., message: ...}, not " + kind(node));
            return Optional.empty();
        }
        checkKeys(node, at, FAIL_KEYS);
        List<String> classes = wireNames(ErrorClass.values(), ErrorClass::wireName);
        if (!node.has("class")) {
            problem(at, "needs a class, one of: " + String.join(", ", classes));
            return Optional.empty();
        }
        Optional<ErrorClass> errorClass = named(node, at + "/class", "error class", ScriptParser::errorClass, classes);
        String message = scalar(node, at + "/message").orElse("scripted failure");
        Optional<java.time.Duration> retryAfter = node.has("retry_after_ms")
                ? whole(node.get("retry_after_ms"), at + "/retry_after_ms", 0).map(java.time.Duration::ofMillis)
                : Optional.empty();
        return errorClass.map(c -> new AgentResult.Outcome.Failure(c, message, retryAfter));
    }

    private Usage usage(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return Usage.NONE;
        }
        if (!node.isObject()) {
            problem(at, "must be a mapping with the keys " + USAGE_KEYS + ", not " + kind(node));
            return Usage.NONE;
        }
        checkKeys(node, at, USAGE_KEYS);
        long costMicros = 0;
        JsonNode cost = node.get("cost_usd");
        if (cost != null) {
            if (!cost.isNumber() || cost.decimalValue().signum() < 0) {
                problem(at + "/cost_usd", "must be an amount of US dollars, 0 or more, not " + kind(cost));
            } else {
                costMicros = cost.decimalValue()
                        .movePointRight(6)
                        .setScale(0, RoundingMode.HALF_UP)
                        .min(BigDecimal.valueOf(Long.MAX_VALUE))
                        .longValue();
            }
        }
        return new Usage(
                tokens(node, at, "input_tokens"),
                tokens(node, at, "output_tokens"),
                tokens(node, at, "cache_read_tokens"),
                tokens(node, at, "cache_write_tokens"),
                costMicros);
    }

    private long tokens(JsonNode usage, String at, String key) {
        JsonNode value = usage.get(key);
        return value == null ? 0 : whole(value, at + "/" + key, 0).orElse(0L);
    }

    private Optional<Path> callsLog(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isString() || node.asString().isBlank()) {
            problem("/calls_log", "must be a file path, not " + kind(node));
            return Optional.empty();
        }
        try {
            Path folder = file.toAbsolutePath().getParent();
            return Optional.of(folder.resolve(node.asString().strip()).normalize());
        } catch (InvalidPathException e) {
            problem("/calls_log", "'" + node.asString() + "' is not a valid path (" + e.getReason() + ")");
            return Optional.empty();
        }
    }

    // ---- values --------------------------------------------------------------------------------

    private Optional<Duration> millis(JsonNode parent, String pointer) {
        JsonNode value = parent.get(pointer.substring(pointer.lastIndexOf('/') + 1));
        if (value == null) {
            return Optional.empty();
        }
        return whole(value, pointer, 0).map(Duration::ofMillis);
    }

    private Optional<Long> whole(JsonNode value, String pointer, long min) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min) {
            problem(pointer, "must be a whole number, " + min + " or more, not " + kind(value));
            return Optional.empty();
        }
        return Optional.of(value.longValue());
    }

    /** A single value given as text (a number or true/false is taken as its text). */
    private Optional<String> scalar(JsonNode parent, String pointer) {
        JsonNode value = parent.get(pointer.substring(pointer.lastIndexOf('/') + 1));
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isValueNode() || value.isNull()) {
            problem(pointer, "must be a single value, not " + kind(value));
            return Optional.empty();
        }
        return Optional.of(value.asString());
    }

    private <T> Optional<T> named(
            JsonNode parent, String pointer, String what, Function<String, T> lookup, List<String> allowed) {
        JsonNode value = parent.get(pointer.substring(pointer.lastIndexOf('/') + 1));
        if (value == null) {
            return Optional.empty();
        }
        T found = value.isString() ? lookup.apply(value.asString().strip()) : null;
        if (found == null) {
            problem(
                    pointer,
                    "unknown " + what + " " + (value.isString() ? "'" + value.asString() + "'" : kind(value))
                            + "; allowed: " + String.join(", ", allowed));
        }
        return Optional.ofNullable(found);
    }

    private static Role role(String name) {
        return Arrays.stream(Role.values())
                .filter(r -> r.wireName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static ErrorClass errorClass(String name) {
        return Arrays.stream(ErrorClass.values())
                .filter(c -> c.wireName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static List<String> contractIds() {
        return wireNames(Contract.values(), Contract::id);
    }

    private static <T> List<String> wireNames(T[] values, Function<T, String> name) {
        return Arrays.stream(values).map(name).toList();
    }

    // ---- problems ------------------------------------------------------------------------------

    private void checkKeys(JsonNode node, String pointer, List<String> allowed) {
        for (String key : node.propertyNames()) {
            if (!allowed.contains(key)) {
                problem(
                        pointer + "/" + escape(key),
                        "unknown key '" + key + "'; the keys allowed "
                                + (pointer.isEmpty() ? "at the top level" : "here") + " are: "
                                + String.join(", ", allowed));
            }
        }
    }

    private void problem(String pointer, String text) {
        int line = lineOf(pointer);
        problems.add(new Problem(line, (line > 0 ? "line " + line + ", " : "") + dotted(pointer) + ": " + text + "."));
    }

    /** The line of the value at the pointer, or of its closest parent that has one. */
    private int lineOf(String pointer) {
        for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
            Integer line = lines.get(p);
            if (line != null || p.isEmpty()) {
                return line == null ? 0 : line;
            }
        }
    }

    /** {@code /responses/2/fail/class} → {@code responses[2].fail.class}. */
    private static String dotted(String pointer) {
        if (pointer.isEmpty()) {
            return "(top level)";
        }
        StringBuilder text = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            String name = part.replace("~1", "/").replace("~0", "~");
            if (part.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
                text.append('[').append(name).append(']');
            } else if (!name.matches("[A-Za-z0-9_-]+")) {
                text.append("[\"").append(name).append("\"]");
            } else {
                text.append(text.isEmpty() ? "" : ".").append(name);
            }
        }
        return text.toString();
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String kind(JsonNode node) {
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
