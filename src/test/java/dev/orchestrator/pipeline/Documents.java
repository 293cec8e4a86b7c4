package dev.orchestrator.pipeline;

/** Script responses (YAML) that answer a phase with a chosen document. */
final class Documents {
    private Documents() {}

    /** The architect's answer, naming {@code test} as the project's test command. */
    static String architecture(String test) {
        return """
                  - role: architect
                    json:
                      contract: architecture.v1
                      summary: "Plain text files, one per work item."
                      stack: {language: text, frameworks: [], storage: none}
                      components: [{name: files, responsibility: "Holds the files.", paths: [scripted/]}]
                      commands: {setup: "true", build: "true", test: "%s", run: "true"}
                      questions: []
                """.formatted(test.replace("\"", "\\\""));
    }

    /**
     * The planner's answer: items as {@code key:priority:dependency,dependency}, each titled
     * {@code Build <key>}.
     */
    static String plan(String... items) {
        StringBuilder yaml = new StringBuilder("""
                  - role: planner
                    json:
                      contract: work_plan.v1
                      items:
                """);
        for (String item : items) {
            String[] parts = item.split(":", -1);
            String depends = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : "";
            yaml.append("        - {key: %s, title: \"Build %s\", description: \"Write scripted/%s.txt.\","
                            .formatted(parts[0], parts[0], parts[0]))
                    .append(" acceptance: [\"scripted/%s.txt exists\"], depends_on: [%s], priority: %s}\n"
                            .formatted(parts[0], depends, parts[1]));
        }
        return yaml.toString();
    }

    /** A review of {@code item} that fails with one major finding, for its first {@code times} reviews. */
    static String failingReview(String item, int times, String finding) {
        return """
                  - role: reviewer
                    item: %s
                    times: %d
                    json:
                      contract: review.v1
                      status: fail
                      summary: "Not yet."
                      findings: [{severity: major, path: "scripted/%s.txt", line: 1, message: "%s"}]
                """.formatted(item, times, item, finding);
    }
}
