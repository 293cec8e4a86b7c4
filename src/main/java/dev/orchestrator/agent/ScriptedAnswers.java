package dev.orchestrator.agent;

import dev.orchestrator.contract.Contract;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in answers of the {@link ScriptedAgent}: for each contract a small valid document, so
 * that an empty script dry-runs a whole project.
 */
final class ScriptedAnswers {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScriptedAnswers() {}

    /**
     * The default document for the contract.
     *
     * @param files the files the call wrote, named in a {@code dev_result.v1}
     */
    static ObjectNode document(Contract contract, List<String> files) {
        ObjectNode document = NODES.objectNode().put("contract", contract.id());
        switch (contract) {
            case REQUIREMENTS -> requirements(document);
            case ARCHITECTURE -> architecture(document);
            case WORK_PLAN -> workPlan(document);
            case DEV_RESULT -> devResult(document, files);
            case REVIEW ->
                document.put("status", "pass")
                        .put("summary", "Scripted review: nothing to report.")
                        .putArray("findings");
            case DEPLOY ->
                document.put("status", "skipped").putNull("url").put("notes", "Scripted run: nothing was deployed.");
        }
        return document;
    }

    /** The file a default {@code dev_result.v1} answer writes: {@code scripted/<item or phase>.txt}. */
    static String defaultFile(AgentTask task) {
        String name = task.itemKey().orElse(task.phase().toString());
        return "scripted/" + name.replaceAll("[^A-Za-z0-9_-]", "_") + ".txt";
    }

    static String defaultFileText(AgentTask task) {
        return "Written by the scripted " + task.role().wireName() + " for "
                + task.itemKey().map(item -> "work item " + item + " in ").orElse("")
                + "the " + task.phase() + " phase.\n";
    }

    /** The reply to a task that expects no contract. */
    static String text(AgentTask task) {
        return "Scripted reply from the " + task.role().wireName() + " in the " + task.phase() + " phase: done.";
    }

    private static void requirements(ObjectNode document) {
        document.put("name", "Scripted project")
                .put("summary", "A project specified by the scripted agent, for a dry run of the pipeline.");
        document.putArray("features")
                .addObject()
                .put("id", "F1")
                .put("title", "Scripted feature")
                .put("description", "Stands in for what a real analyst would find in the idea.")
                .put("priority", "must");
        document.putArray("constraints");
        document.putArray("questions");
    }

    private static void architecture(ObjectNode document) {
        document.put("summary", "One component whose commands always succeed, for a dry run.");
        ObjectNode stack = document.putObject("stack").put("language", "text").put("storage", "none");
        stack.putArray("frameworks");
        ObjectNode component = document.putArray("components")
                .addObject()
                .put("name", "scripted")
                .put("responsibility", "Holds the files the scripted developer writes.");
        component.putArray("paths").add("scripted/");
        document.putObject("commands")
                .put("setup", "true")
                .put("build", "true")
                .put("test", "true")
                .put("run", "true");
        document.putArray("questions");
    }

    private static void workPlan(ObjectNode document) {
        ArrayNode items = document.putArray("items");
        item(items, "W1", "Scripted first item", List.of(), 1);
        item(items, "W2", "Scripted second item", List.of("W1"), 2);
    }

    private static void item(ArrayNode items, String key, String title, List<String> dependsOn, int priority) {
        ObjectNode item = items.addObject()
                .put("key", key)
                .put("title", title)
                .put("description", "Stands in for real work; the scripted developer writes scripted/" + key + ".txt.");
        item.putArray("acceptance").add("scripted/" + key + ".txt exists");
        ArrayNode depends = item.putArray("depends_on");
        dependsOn.forEach(depends::add);
        item.put("priority", priority);
    }

    private static void devResult(ObjectNode document, List<String> files) {
        document.put("status", "done")
                .put("summary", files.isEmpty() ? "Nothing to change." : "Wrote " + String.join(", ", files) + ".");
        ArrayNode list = document.putArray("files");
        files.forEach(list::add);
        document.putNull("blocker");
    }
}
