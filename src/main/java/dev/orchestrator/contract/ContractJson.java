package dev.orchestrator.contract;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON mapper for contract documents, and how values are named in problems. */
final class ContractJson {
    /** Jackson 3 refuses trailing content after the document by default, which we rely on. */
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final int MAX_QUOTED = 60;

    private ContractJson() {}

    /** A value as a problem quotes it: {@code "high"}, {@code 3}, {@code null}, {@code an array}. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isString()) {
            String quoted = value.toString();
            return quoted.length() <= MAX_QUOTED ? quoted : quoted.substring(0, MAX_QUOTED - 1) + "…\"";
        }
        if (value.isContainer()) {
            return kind(value);
        }
        return value.toString();
    }

    /** The kind of a value with its article: {@code an object}, {@code a string}, {@code null}. */
    static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> value.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "an unsupported value";
        };
    }
}
