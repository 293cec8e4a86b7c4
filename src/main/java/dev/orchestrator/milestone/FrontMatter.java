package dev.orchestrator.milestone;

import java.nio.file.Path;
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
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A Markdown document's YAML front matter: the lines between a first line {@code ---} and the next
 * {@code ---} (or {@code ...}). Field values are read as written where that matters: numbers stay
 * text as the person typed them ({@code 1.10}, not {@code 1.1}).
 */
record FrontMatter(ObjectNode fields, Map<String, Integer> lines, String body) {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    FrontMatter {
        lines = Map.copyOf(lines);
    }

    /**
     * The front matter of {@code text}, or empty when the document has none.
     *
     * @param path the document, for messages
     * @throws MilestoneException when the front matter is not closed, not YAML or not a mapping
     */
    static Optional<FrontMatter> parse(Path path, String text) {
        List<String> all = text.lines().toList();
        if (all.isEmpty() || !stripBom(all.getFirst()).strip().equals("---")) {
            return Optional.empty();
        }
        int end = -1;
        for (int i = 1; i < all.size(); i++) {
            String line = all.get(i).stripTrailing();
            if (line.equals("---") || line.equals("...")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new MilestoneException(path + ", line 1: the front matter starts with --- but is never closed; add"
                    + " a line --- after its last field.");
        }
        String yaml = String.join("\n", all.subList(1, end));
        String body = String.join("\n", all.subList(end + 1, all.size())).strip();
        JsonNode tree;
        Map<String, Integer> lines = new TreeMap<>();
        try {
            tree = YAML.readTree(yaml);
            recordLines(yaml, lines);
        } catch (StreamReadException e) {
            var where = e.getLocation();
            String line = where == null ? "" : ", line " + (where.getLineNr() + 1);
            throw new MilestoneException(path + line + ": the front matter is not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ".");
        } catch (JacksonException e) {
            throw new MilestoneException(path + ": the front matter is not valid YAML: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        if (!(tree instanceof ObjectNode fields)) {
            throw new MilestoneException(path + ", line 2: the front matter must be a mapping of fields (like "
                    + "milestone: M1), not a " + (tree.isArray() ? "list" : "single value") + ".");
        }
        return Optional.of(new FrontMatter(fields, lines, body));
    }

    /** The file's line of a top-level field, for messages. */
    int lineOf(String field) {
        return lines.getOrDefault(field, 1);
    }

    private static void recordLines(String yaml, Map<String, Integer> lines) {
        try (JsonParser parser = YAML.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME
                        && parser.streamReadContext().getParent().inRoot()) {
                    // +1: the front matter's first line is the file's second.
                    lines.putIfAbsent(
                            parser.currentName(), parser.currentTokenLocation().getLineNr() + 1);
                }
            }
        }
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
