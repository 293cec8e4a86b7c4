package dev.orchestrator.contract;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import tools.jackson.databind.JsonNode;

/**
 * What a schema cannot say about a work plan: keys are unique, dependencies name other items, and
 * following them never leads back to where it started.
 */
public final class WorkPlanCheck {
    private WorkPlanCheck() {}

    /** The plan's problems, in the validator's format; empty when the plan can be built in some order. */
    public static List<String> problems(JsonNode plan) {
        JsonNode items = plan.path("items");
        List<String> problems = new ArrayList<>();
        Map<String, Integer> indexByKey = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String key = items.get(i).path("key").asString();
            Integer first = indexByKey.putIfAbsent(key, i);
            if (first != null) {
                problems.add("$.items[%d].key: duplicate key \"%s\" (also at $.items[%d])".formatted(i, key, first));
            }
        }
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String key = items.get(i).path("key").asString();
            List<String> dependencies = new ArrayList<>();
            JsonNode dependsOn = items.get(i).path("depends_on");
            for (int d = 0; d < dependsOn.size(); d++) {
                String dependency = dependsOn.get(d).asString();
                String location = "$.items[%d].depends_on[%d]: ".formatted(i, d);
                if (dependency.equals(key)) {
                    problems.add(location + "item \"" + key + "\" depends on itself");
                } else if (!indexByKey.containsKey(dependency)) {
                    problems.add(location + "\"" + dependency + "\" is not the key of any item");
                } else {
                    dependencies.add(dependency);
                }
            }
            graph.putIfAbsent(key, dependencies);
        }
        for (List<String> cycle : cycles(graph)) {
            problems.add("$.items: dependency cycle: " + String.join(" -> ", cycle));
        }
        return problems;
    }

    /**
     * One cycle per group of items that depend on each other, each starting and ending with the
     * group's first item in plan order and as short as possible, so the same plan always names the
     * same cycles.
     */
    static List<List<String>> cycles(Map<String, List<String>> graph) {
        List<List<String>> cycles = new ArrayList<>();
        for (SequencedSet<String> group : new StronglyConnected(graph).groups()) {
            if (group.size() > 1) {
                cycles.add(shortestCycle(graph, group));
            }
        }
        return cycles;
    }

    private static List<String> shortestCycle(Map<String, List<String>> graph, SequencedSet<String> group) {
        String start = group.getFirst();
        Map<String, String> cameFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String current = queue.removeFirst();
            for (String next : graph.get(current)) {
                if (next.equals(start)) {
                    List<String> path = new ArrayList<>();
                    for (String step = current; !step.equals(start); step = cameFrom.get(step)) {
                        path.addFirst(step);
                    }
                    path.addFirst(start);
                    path.addLast(start);
                    return path;
                }
                if (group.contains(next) && cameFrom.putIfAbsent(next, current) == null) {
                    queue.addLast(next);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start + " in " + group);
    }

    /** Tarjan's algorithm: groups of items that all reach each other, each in plan order. */
    private static final class StronglyConnected {
        private final Map<String, List<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> lowLink = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final List<SequencedSet<String>> groups = new ArrayList<>();

        StronglyConnected(Map<String, List<String>> graph) {
            this.graph = graph;
        }

        List<SequencedSet<String>> groups() {
            for (String key : graph.keySet()) {
                if (!index.containsKey(key)) {
                    visit(key);
                }
            }
            List<String> order = List.copyOf(graph.keySet());
            groups.sort((a, b) -> Integer.compare(order.indexOf(a.getFirst()), order.indexOf(b.getFirst())));
            return groups;
        }

        private void visit(String key) {
            index.put(key, index.size());
            lowLink.put(key, index.get(key));
            stack.push(key);
            for (String next : graph.get(key)) {
                if (!index.containsKey(next)) {
                    visit(next);
                    lowLink.put(key, Math.min(lowLink.get(key), lowLink.get(next)));
                } else if (stack.contains(next)) {
                    lowLink.put(key, Math.min(lowLink.get(key), index.get(next)));
                }
            }
            if (lowLink.get(key).equals(index.get(key))) {
                List<String> members = new ArrayList<>();
                String member;
                do {
                    member = stack.pop();
                    members.add(member);
                } while (!member.equals(key));
                SequencedSet<String> group = new LinkedHashSet<>();
                graph.keySet().stream().filter(members::contains).forEach(group::add);
                groups.add(group);
            }
        }
    }
}
