package dev.orchestrator.store;

import dev.orchestrator.logging.Redactor;
import java.util.Map;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.json.JsonMapper;

/** JSON for stored documents and event payloads. */
final class StoreJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private StoreJson() {}

    /**
     * An event payload: a JSON object whose text values have their secrets redacted. Built on the
     * caller's thread where the fields are known before the change, so that the writer thread only
     * binds it.
     */
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

    /**
     * {@code payload} (from {@link #payload}) with one more field that only the change itself knows
     * (a row's id or key), added without parsing it again.
     */
    static String with(String payload, String key, Object value) {
        StringBuilder json = new StringBuilder(payload.length() + key.length() + 24);
        json.append(payload, 0, payload.length() - 1);
        if (payload.length() > 2) {
            json.append(',');
        }
        quote(json, key).append(':');
        switch (value) {
            case String text -> quote(json, Redactor.redact(text));
            case Integer _, Long _ -> json.append(value);
            default -> json.append(MAPPER.writeValueAsString(value));
        }
        return json.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        return json.append('"');
    }
}
