package dev.orchestrator.store;

import dev.orchestrator.logging.Redactor;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** JSON for stored documents and event payloads. */
final class StoreJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private StoreJson() {}

    /** An event payload: a JSON object whose text values have their secrets redacted. */
    static String payload(Map<String, ?> fields) {
        var node = MAPPER.createObjectNode();
        fields.forEach((key, value) -> {
            if (value instanceof String text) {
                node.put(key, Redactor.redact(text));
            } else {
                node.set(key, MAPPER.valueToTree(value));
            }
        });
        return MAPPER.writeValueAsString(node);
    }
}
