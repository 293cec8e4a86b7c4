package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scripted agent's calls log ({@code calls_log}): one line per completed agent call, so tests
 * count calls and read the prompts the agents got.
 */
record Calls(List<Call> all) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One completed call. */
    record Call(
            String role,
            String phase,
            Optional<String> item,
            String contract,
            boolean continued,
            String outcome,
            String prompt) {
        /** {@code developer/implement/W1}: what a call is about, to count repeats. */
        String step() {
            return role + "/" + phase + item.map(i -> "/" + i).orElse("");
        }
    }

    /** The log a script written by {@link #script} keeps. */
    static Calls in(Path home) {
        Path file = home.resolve("script/calls.jsonl");
        if (!Files.exists(file)) {
            return new Calls(List.of());
        }
        try {
            return new Calls(Files.readAllLines(file).stream()
                    .filter(line -> !line.isBlank())
                    .map(line -> toCall(JSON.readTree(line)))
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a script under {@code home/script} that logs its calls, with these responses (YAML). */
    static Path script(Path home, String yaml) {
        return TestEngine.script(home.resolve("script"), "calls_log: calls.jsonl\n" + yaml);
    }

    private static Call toCall(JsonNode line) {
        return new Call(
                line.path("role").asString(),
                line.path("phase").asString(),
                line.path("item").isString() ? Optional.of(line.path("item").asString()) : Optional.empty(),
                line.path("contract").asString(),
                line.path("continued").asBoolean(),
                line.path("outcome").asString(),
                line.path("prompt").asString());
    }

    /** The calls that got an answer (not a failure such as a crash or a rate limit). */
    Calls answered() {
        return new Calls(all.stream().filter(c -> c.outcome().equals("success")).toList());
    }

    List<Call> of(Role role, PhaseName phase) {
        return all.stream()
                .filter(c -> c.role().equals(role.wireName()) && c.phase().equals(phase.toString()))
                .toList();
    }

    List<Call> of(Role role, String item) {
        return all.stream()
                .filter(c -> c.role().equals(role.wireName()) && c.item().equals(Optional.of(item)))
                .toList();
    }

    /** How many calls each step got, in the order of their first call. */
    Map<String, Long> perStep() {
        return all.stream().collect(Collectors.groupingBy(Call::step, LinkedHashMap::new, Collectors.counting()));
    }

    /** The step of every call, in call order: {@code [analyst/ideation, architect/architecture, ...]}. */
    List<String> steps() {
        return all.stream().map(Call::step).toList();
    }
}
