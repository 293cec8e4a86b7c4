package dev.orchestrator.prompt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Contexts for rendering the built-in templates as the engine will: every key, or only the required ones. */
final class Contexts {
    /** Each built-in template with the contract it asks for (null for partials) and the keys it cannot do without. */
    record Spec(String template, String contractId, List<String> required) {}

    static final List<String> ALWAYS = List.of("project.name", "project.idea", "phase", "role");

    static final List<Spec> SPECS = List.of(
            new Spec("ideation/requirements", "requirements.v1", List.of()),
            new Spec("architecture/architecture", "architecture.v1", List.of("requirements.markdown")),
            new Spec(
                    "task_breakdown/work-plan",
                    "work_plan.v1",
                    List.of("requirements.markdown", "architecture.markdown")),
            new Spec("initialize/scaffold", "dev_result.v1", List.of("architecture.markdown")),
            new Spec("implement/develop", "dev_result.v1", List.of("item.key", "item.title")),
            new Spec("implement/review", "review.v1", List.of("item.key", "item.title")),
            new Spec("implement/fix", "dev_result.v1", List.of("item.key", "item.title", "cycle", "maxCycles")),
            new Spec(
                    "implement/merge",
                    "dev_result.v1",
                    List.of("item.key", "item.title", "conflict.branch", "conflict.round", "conflict.rounds")),
            new Spec("test/fix", "dev_result.v1", List.of("test.command", "test.output")),
            new Spec("deploy/deploy", "deploy.v1", List.of()),
            new Spec("swarm/users", null, List.of()),
            new Spec("swarm/feasibility", null, List.of()),
            new Spec("swarm/risks", null, List.of()),
            new Spec("swarm/aggregate", "requirements.v1", List.of("swarm.size")),
            new Spec("common/repair", "dev_result.v1", List.of()),
            new Spec("common/retry", "dev_result.v1", List.of("retry.error")),
            new Spec("common/contract", "dev_result.v1", List.of()),
            new Spec("common/context", null, List.of()),
            new Spec("common/questions", null, List.of()));

    /** The top-level keys the engine may pass, every one optional unless a template requires it. */
    static final List<String> TOP_LEVEL = List.copyOf(SampleContext.full().keySet());

    private Contexts() {}

    /** Every variable with a value, the contract being the template's own. */
    static Map<String, Object> full(Spec spec) {
        Map<String, Object> context = new HashMap<>(SampleContext.full());
        if (spec.contractId() != null) {
            context.put("contract", contract(spec.contractId()));
        }
        return context;
    }

    /** Only the always-present keys, the contract and the template's required keys; the rest absent. */
    static Map<String, Object> required(Spec spec) {
        Map<String, Object> full = full(spec);
        Map<String, Object> context = new HashMap<>();
        for (String path : concat(ALWAYS, spec.required())) {
            put(context, path, get(full, path));
        }
        if (spec.contractId() != null) {
            context.put("contract", full.get("contract"));
        }
        return context;
    }

    /** As {@link #required}, with every other top-level key present and null, as an engine passing all keys does. */
    static Map<String, Object> requiredWithNulls(Spec spec) {
        Map<String, Object> context = required(spec);
        for (String key : TOP_LEVEL) {
            context.putIfAbsent(key, null);
        }
        return context;
    }

    static Map<String, Object> contract(String id) {
        return Map.of("id", id, "schema", "{\"title\": \"" + id + "\", \"type\": \"object\"}");
    }

    static Object get(Map<String, Object> context, String path) {
        Object value = context;
        for (String part : path.split("\\.")) {
            value = ((Map<?, ?>) value).get(part);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> context, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> map = context;
        for (int i = 0; i < parts.length - 1; i++) {
            map = (Map<String, Object>) map.computeIfAbsent(parts[i], key -> new HashMap<String, Object>());
        }
        map.put(parts[parts.length - 1], value);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
