package dev.orchestrator.contract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Checks that run after the schema passed: what JSON Schema cannot express. */
final class SemanticChecks {
    private SemanticChecks() {}

    /** The problems of a schema-valid document; empty when it is fine. */
    static List<String> problems(Contract contract, JsonNode document) {
        return switch (contract) {
            case REQUIREMENTS -> {
                List<String> problems = new ArrayList<>(uniqueIds(document, "features"));
                problems.addAll(uniqueIds(document, "questions"));
                yield problems;
            }
            case ARCHITECTURE -> uniqueIds(document, "questions");
            case WORK_PLAN -> WorkPlanCheck.problems(document);
            case DEV_RESULT -> blockerStated(document);
            case REVIEW, DEPLOY -> List.of();
        };
    }

    /** Answers and features are looked up by id, so an id may appear once in its list. */
    private static List<String> uniqueIds(JsonNode document, String list) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        JsonNode entries = document.path(list);
        for (int i = 0; i < entries.size(); i++) {
            String id = entries.get(i).path("id").asString();
            Integer first = firstIndex.putIfAbsent(id, i);
            if (first != null) {
                problems.add("$.%s[%d].id: duplicate id \"%s\" (also at $.%s[%d])".formatted(list, i, id, list, first));
            }
        }
        return problems;
    }

    /** A blocked item is shown to the person, who needs to know what blocks it. */
    private static List<String> blockerStated(JsonNode document) {
        boolean blocked = "blocked".equals(document.path("status").asString());
        JsonNode blocker = document.path("blocker");
        if (blocked && (!blocker.isString() || blocker.asString().isBlank())) {
            return List.of("$.blocker: must say what blocks the item when status is \"blocked\" (got "
                    + ContractJson.describe(blocker) + ")");
        }
        return List.of();
    }
}
