package dev.orchestrator.config;

import dev.orchestrator.logging.Redactor;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The effective configuration as JSON, as kept with each project; secret-looking values are masked. */
public final class ConfigSnapshot {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private ConfigSnapshot() {}

    public static String json(OrchestratorConfig config) {
        ObjectNode tree = MAPPER.valueToTree(config);
        ObjectNode env = (ObjectNode) tree.path("agent").path("env");
        for (String name : java.util.List.copyOf(env.propertyNames())) {
            if (Redactor.isSecretName(name)) {
                env.put(name, "[REDACTED]");
            } else {
                env.put(name, Redactor.redact(env.path(name).asString()));
            }
        }
        return MAPPER.writeValueAsString(tree);
    }
}
