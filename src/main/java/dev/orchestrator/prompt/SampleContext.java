package dev.orchestrator.prompt;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A realistic context holding every variable the engine can pass, each with a value, so that
 * rendering a template with it enters every section and resolves every variable. Overrides are
 * rendered with it at start-up, which turns a misspelt variable into an error before any project
 * runs; the tests render the built-in templates with it.
 */
final class SampleContext {
    private static final String SCHEMA = """
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "dev_result.v1",
              "type": "object",
              "required": ["contract", "status", "summary", "files", "blocker"],
              "properties": {
                "contract": {"const": "dev_result.v1"},
                "status": {"enum": ["done", "blocked"]},
                "summary": {"type": "string"},
                "files": {"type": "array", "items": {"type": "string"}},
                "blocker": {"type": ["string", "null"]}
              }
            }""";

    private SampleContext() {}

    /** Every documented variable with a realistic, non-empty value. */
    static Map<String, Object> full() {
        return Map.ofEntries(
                Map.entry(
                        "project",
                        Map.of(
                                "name",
                                "recipe-box",
                                "idea",
                                "A web app to keep recipes and search them by ingredient.")),
                Map.entry("phase", "implement"),
                Map.entry("role", "developer"),
                Map.entry("contract", Map.of("id", "dev_result.v1", "schema", SCHEMA)),
                Map.entry("feedback", "Search must ignore case; drop the tagging feature."),
                Map.entry(
                        "answers",
                        List.of(
                                Map.of("question", "Who uses it?", "answer", "One person, locally", "assumed", false),
                                Map.of("question", "Where is data kept?", "answer", "SQLite file", "assumed", true))),
                Map.entry(
                        "requirements",
                        Map.of("markdown", "# Recipe Box\n\n- F1 (must) Add a recipe with ingredients.")),
                Map.entry(
                        "architecture",
                        Map.of(
                                "markdown",
                                "# Architecture\n\nPython 3.12, FastAPI, SQLite in ./data.",
                                "commands",
                                Map.of(
                                        "setup", "pip install -r requirements.txt",
                                        "build", "python -m compileall src",
                                        "test", "pytest -q",
                                        "run", "uvicorn app.main:app"))),
                Map.entry("plan", Map.of("markdown", "# Work plan\n\n- W1 Add recipe model\n- W2 Search endpoint")),
                Map.entry(
                        "item",
                        Map.of(
                                "key", "W2",
                                "title", "Search recipes by ingredient",
                                "description", "Add GET /recipes?q= to src/app/api.py, backed by a LIKE query.",
                                "acceptance",
                                        List.of(
                                                "GET /recipes?q=egg returns only recipes with eggs",
                                                "An empty q returns 400"),
                                "dependsOn", List.of("W1"))),
                Map.entry(
                        "dev",
                        Map.of(
                                "summary",
                                "Added the search endpoint and its tests.",
                                "files",
                                List.of("src/app/api.py", "tests/test_search.py"))),
                Map.entry(
                        "findings",
                        List.of(
                                Map.of(
                                        "severity",
                                        "major",
                                        "path",
                                        "src/app/api.py",
                                        "line",
                                        42,
                                        "message",
                                        "SQL built by string concatenation; use a parameter."),
                                Map.of(
                                        "severity",
                                        "minor",
                                        "path",
                                        "tests/test_search.py",
                                        "line",
                                        7,
                                        "message",
                                        "Name the test after the behaviour."))),
                Map.entry("cycle", 2),
                Map.entry("maxCycles", 3),
                Map.entry("guidance", "Use the existing db helper instead of a new connection."),
                Map.entry("interrupted", true),
                Map.entry(
                        "test",
                        Map.of(
                                "command", "pytest -q",
                                "output",
                                        "FAILED tests/test_search.py::test_empty_query - assert 200 == 400\n1 failed, 12 passed")),
                Map.entry("problems", List.of("$.status: must be one of [done, blocked]", "$.files: is missing")),
                Map.entry(
                        "retry",
                        Map.of(
                                "error",
                                "no output for 300 s (stall); last activity: Bash: npm test",
                                "tried",
                                List.of(
                                        Map.of("attempt", 1, "what", "stall: no output for 300 s"),
                                        Map.of("attempt", 2, "what", "stall: no output for 300 s")),
                                "hint",
                                "Commands that wait for input or run a server in the foreground never return.",
                                "continued",
                                true,
                                "interrupted",
                                false)),
                Map.entry(
                        "conflict",
                        Map.of(
                                "branch",
                                "orchestrator/W2",
                                "round",
                                1,
                                "rounds",
                                2,
                                "files",
                                List.of("src/app/api.py"),
                                "problem",
                                "tests fail after the merge: 1 failed, 12 passed",
                                "diff",
                                "diff --cc src/app/api.py\n++<<<<<<< HEAD\n+ search()\n++=======\n+ list()\n++>>>>>>> main")),
                Map.entry(
                        "deploy",
                        Map.of("notes", "Deploy to the Raspberry Pi at pi.local with the systemd unit in deploy/.")),
                Map.entry(
                        "focus",
                        Map.of(
                                "name",
                                "edge cases and risks",
                                "brief",
                                "Look at the software as the tester who tries to break it.",
                                "member",
                                3,
                                "size",
                                3)),
                Map.entry(
                        "swarm",
                        Map.of(
                                "size",
                                3,
                                "members",
                                List.of(Map.of(
                                        "member",
                                        1,
                                        "focus",
                                        "users and use cases",
                                        "json",
                                        "{\"contract\": \"requirements.v1\", \"name\": \"Recipe Box\"}")),
                                "failed",
                                List.of(Map.of(
                                        "member",
                                        2,
                                        "focus",
                                        "technical feasibility and constraints",
                                        "error",
                                        "the analyst agent (claude-code) gave up: overloaded, 3 retries")))));
    }

    /**
     * Every name a section may be over: each variable's path and every tail of it, since inside
     * {@code {{#item}}} the name {@code key} means {@code item.key}, and inside a list's section the
     * names are those of its elements.
     */
    static Set<String> names() {
        Set<String> names = new HashSet<>();
        collect("", full(), names);
        return Set.copyOf(names);
    }

    private static void collect(String path, Object value, Set<String> names) {
        if (!path.isEmpty()) {
            String[] parts = path.split("\\.");
            for (int start = 0; start < parts.length; start++) {
                names.add(String.join(".", List.of(parts).subList(start, parts.length)));
            }
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> collect(path.isEmpty() ? key.toString() : path + "." + key, child, names));
        } else if (value instanceof List<?> list) {
            list.forEach(element -> collect(path, element, names));
        }
    }
}
