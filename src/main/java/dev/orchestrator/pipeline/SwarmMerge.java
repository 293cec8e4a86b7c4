package dev.orchestrator.pipeline;

import dev.orchestrator.contract.Contract;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deterministic merge of a swarm's documents, used when its aggregator fails. The same
 * documents in the same order (the members' order, which is the focus order) always give the same
 * result, and the result of valid documents is valid:
 *
 * <ul>
 *   <li>{@code requirements.v1}: name and summary of the first document; the union of the features
 *       by normalised title, each kept where it first appears, with the highest priority any
 *       document gave it; the constraints and questions once each by normalised text; ids
 *       renumbered {@code F1..} and {@code Q1..}.
 *   <li>{@code architecture.v1}: the first document (two stacks cannot be mixed), with every
 *       document's questions once each, renumbered.
 *   <li>{@code work_plan.v1}: the first document as it is; merging item graphs could join
 *       dependencies that make no sense together.
 * </ul>
 */
final class SwarmMerge {
    private static final List<String> PRIORITIES = List.of("must", "should", "could");

    private SwarmMerge() {}

    /**
     * @param documents the valid documents of the members that answered, in member order; at least one
     */
    static JsonNode merge(Contract contract, List<JsonNode> documents) {
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("a merge needs at least one document");
        }
        ObjectNode merged = (ObjectNode) documents.getFirst().deepCopy();
        switch (contract) {
            case REQUIREMENTS -> {
                merged.set("features", features(merged, documents));
                merged.set("constraints", texts(merged, documents, "constraints"));
                merged.set("questions", questions(merged, documents));
            }
            case ARCHITECTURE -> merged.set("questions", questions(merged, documents));
            case WORK_PLAN -> {
                // the first plan as it is
            }
            default -> throw new IllegalArgumentException(contract.id() + " is not a planning contract");
        }
        return merged;
    }

    /**
     * Lower case, with every run of whitespace and punctuation one space: "Add  items!" → "add
     * items". Symbols, and the '#' and '+' of names like C# and C++, stay: they tell titles apart.
     */
    static String normalised(String text) {
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[\\s\\p{Z}\\p{P}&&[^#+]]+", " ")
                .strip();
    }

    private static ArrayNode features(ObjectNode merged, List<JsonNode> documents) {
        Map<String, ObjectNode> byTitle = new LinkedHashMap<>();
        for (JsonNode document : documents) {
            for (JsonNode feature : document.path("features")) {
                String key = normalised(feature.path("title").asString());
                ObjectNode kept = byTitle.computeIfAbsent(key, k -> (ObjectNode) feature.deepCopy());
                String priority = feature.path("priority").asString();
                if (rank(priority) < rank(kept.path("priority").asString())) {
                    kept.put("priority", priority);
                }
            }
        }
        return renumbered(merged, byTitle.values(), "F");
    }

    private static ArrayNode questions(ObjectNode merged, List<JsonNode> documents) {
        Map<String, ObjectNode> byText = new LinkedHashMap<>();
        for (JsonNode document : documents) {
            for (JsonNode question : document.path("questions")) {
                byText.putIfAbsent(normalised(question.path("question").asString()), (ObjectNode) question.deepCopy());
            }
        }
        return renumbered(merged, byText.values(), "Q");
    }

    private static ArrayNode texts(ObjectNode merged, List<JsonNode> documents, String field) {
        Set<String> seen = new LinkedHashSet<>();
        ArrayNode texts = merged.arrayNode();
        for (JsonNode document : documents) {
            for (JsonNode text : document.path(field)) {
                if (seen.add(normalised(text.asString()))) {
                    texts.add(text.asString());
                }
            }
        }
        return texts;
    }

    private static ArrayNode renumbered(ObjectNode merged, Iterable<ObjectNode> entries, String prefix) {
        ArrayNode list = merged.arrayNode();
        int n = 0;
        for (ObjectNode entry : entries) {
            list.add(entry.put("id", prefix + ++n));
        }
        return list;
    }

    private static int rank(String priority) {
        int rank = PRIORITIES.indexOf(priority);
        return rank < 0 ? PRIORITIES.size() : rank;
    }
}
