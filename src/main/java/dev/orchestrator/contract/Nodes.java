package dev.orchestrator.contract;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads fields of validated documents. A missing or mistyped field throws: {@code from} methods
 * take only documents the validator accepted, so that is a programming error.
 */
final class Nodes {
    private Nodes() {}

    static String text(JsonNode node, String field) {
        return node.required(field).stringValue();
    }

    static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.required(field);
        return value.isNull() ? Optional.empty() : Optional.of(value.stringValue());
    }

    static OptionalInt optionalInt(JsonNode node, String field) {
        JsonNode value = node.required(field);
        return value.isNull() ? OptionalInt.empty() : OptionalInt.of(value.intValue());
    }

    static List<String> texts(JsonNode node, String field) {
        return list(node, field, JsonNode::stringValue);
    }

    static <T> List<T> list(JsonNode node, String field, Function<JsonNode, T> reader) {
        return node.required(field).valueStream().map(reader).toList();
    }

    /** The constant whose lower-case name is the field's value: {@code "must"} → {@code MUST}. */
    static <E extends Enum<E>> E constant(JsonNode node, String field, Class<E> type) {
        return Enum.valueOf(type, text(node, field).toUpperCase(Locale.ROOT));
    }

    /** The wire spelling of a contract enum constant: its name in lower case. */
    static String wireName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
