package dev.orchestrator.contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import tools.jackson.databind.JsonNode;

/** A {@code work_plan.v1} document: items in the order the planner wrote them. */
public record WorkPlan(List<PlanItem> items) {
    /** Among items ready at the same time: priority 1 first, then by key as people read it. */
    private static final Comparator<PlanItem> READY_ORDER =
            Comparator.comparingInt(PlanItem::priority).thenComparing(PlanItem::key, ItemKeys.NATURAL);

    public WorkPlan {
        items = List.copyOf(items);
        Map<String, PlanItem> byKey = new HashMap<>();
        for (PlanItem item : items) {
            if (byKey.putIfAbsent(item.key(), item) != null) {
                throw new IllegalArgumentException("work plan has two items with key " + item.key());
            }
        }
    }

    /** Reads a validated document; unknown fields are ignored. */
    public static WorkPlan from(JsonNode document) {
        return new WorkPlan(Nodes.list(document, "items", PlanItem::from));
    }

    /** The item with this key. */
    public Optional<PlanItem> item(String key) {
        return items.stream().filter(item -> item.key().equals(key)).findFirst();
    }

    /**
     * The items in build order: each after everything it depends on; among items ready together,
     * priority 1 first, then by key ({@code W2} before {@code W10}). The same plan always gives the
     * same order, whatever order its items were written in.
     *
     * @throws IllegalStateException when dependencies are unknown or circular (a plan the validator refuses)
     */
    public List<PlanItem> inOrder() {
        Map<String, Integer> waitingOn = new LinkedHashMap<>();
        Map<String, List<PlanItem>> dependents = new HashMap<>();
        for (PlanItem item : items) {
            waitingOn.put(item.key(), item.dependsOn().size());
            for (String dependency : item.dependsOn()) {
                if (item(dependency).isEmpty()) {
                    throw new IllegalStateException(item.key() + " depends on unknown item " + dependency);
                }
                dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(item);
            }
        }
        PriorityQueue<PlanItem> ready = new PriorityQueue<>(READY_ORDER);
        items.stream().filter(item -> item.dependsOn().isEmpty()).forEach(ready::add);
        List<PlanItem> order = new ArrayList<>(items.size());
        while (!ready.isEmpty()) {
            PlanItem next = ready.poll();
            order.add(next);
            for (PlanItem dependent : dependents.getOrDefault(next.key(), List.of())) {
                if (waitingOn.merge(dependent.key(), -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (order.size() < items.size()) {
            List<String> stuck = items.stream()
                    .filter(item -> !order.contains(item))
                    .map(PlanItem::key)
                    .toList();
            throw new IllegalStateException("work plan has a dependency cycle among " + String.join(", ", stuck));
        }
        return List.copyOf(order);
    }
}
