package dev.orchestrator.contract;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Turns schema errors into problems an agent can act on, each starting with the JSON location:
 * {@code $.features[0].priority: must be one of must, should, could (got "high")}.
 */
final class SchemaProblems {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SchemaProblems() {}

    /** One problem per error; at a location with several errors only the first is kept, except missing fields. */
    static List<String> of(List<Error> errors) {
        List<String> problems = new ArrayList<>();
        Set<String> located = new HashSet<>();
        for (Error error : errors) {
            String location = location(error.getInstanceLocation());
            boolean required = "required".equals(error.getKeyword());
            if (required || located.add(location)) {
                problems.add(location + ": " + message(error));
            }
        }
        return problems;
    }

    /** A location as JSONPath: {@code $}, {@code $.items[2].key}, {@code $['odd name']}. */
    static String location(NodePath path) {
        StringBuilder text = new StringBuilder("$");
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else if (PLAIN_NAME.matcher(element.toString()).matches()) {
                text.append('.').append(element);
            } else {
                text.append("['").append(element.toString().replace("'", "\\'")).append("']");
            }
        }
        return text.toString();
    }

    private static String message(Error error) {
        JsonNode expected = error.getSchemaNode();
        JsonNode got = error.getInstanceNode();
        return switch (error.getKeyword()) {
            case "required" -> "missing required field \"" + error.getProperty() + "\"";
            case "type" -> "must be " + typeNames(expected) + gotValue(got);
            case "enum" -> "must be one of " + enumValues(expected) + gotValue(got);
            case "const" -> "must be " + expected + gotValue(got);
            case "minItems" -> minItems(expected.asInt(), got);
            case "minLength" -> minLength(expected.asInt(), got);
            case "pattern" -> "must match " + expected.asString() + gotValue(got);
            case "minimum" -> "must be at least " + expected + gotValue(got);
            case "maximum" -> "must be at most " + expected + gotValue(got);
            case null, default -> error.getMessage();
        };
    }

    private static String gotValue(JsonNode got) {
        return " (got " + ContractJson.describe(got) + ")";
    }

    private static String typeNames(JsonNode types) {
        if (types.isArray()) {
            return types.valueStream().map(t -> typeName(t.asString())).collect(Collectors.joining(" or "));
        }
        return typeName(types.asString());
    }

    private static String typeName(String type) {
        return switch (type) {
            case "integer", "array", "object" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    private static String enumValues(JsonNode values) {
        return values.valueStream()
                .map(v -> v.isString() ? v.asString() : v.toString())
                .collect(Collectors.joining(", "));
    }

    private static String minItems(int min, JsonNode got) {
        String entries = min == 1 ? "1 entry" : min + " entries";
        return "must have at least " + entries + " (got " + (got == null ? "none" : got.size()) + ")";
    }

    private static String minLength(int min, JsonNode got) {
        if (min == 1) {
            return "must not be empty";
        }
        return "must be at least " + min + " characters long" + gotValue(got);
    }
}
