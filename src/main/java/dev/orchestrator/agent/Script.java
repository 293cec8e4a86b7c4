package dev.orchestrator.agent;

import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * A parsed, validated script of the {@link ScriptedAgent}; immutable.
 *
 * @param delay the latency of every call without its own
 * @param callsLog where each completed call is appended, if anywhere
 * @param responses the entries, in the order they are tried
 */
record Script(Path file, Duration delay, Optional<Path> callsLog, List<Entry> responses) {
    Script {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(callsLog, "callsLog");
        responses = List.copyOf(responses);
    }

    /**
     * Which tasks an entry answers; an empty field matches anything.
     *
     * @param promptContains text the task's prompt must contain (tells apart calls of one role and
     *     phase, such as a swarm's members and its aggregator)
     */
    record Match(
            Optional<Contract> contract,
            Optional<Role> role,
            Optional<PhaseName> phase,
            Optional<String> item,
            Optional<String> promptContains) {
        boolean test(AgentTask task) {
            return (contract.isEmpty() || contract.equals(task.contract()))
                    && (role.isEmpty() || role.get() == task.role())
                    && (phase.isEmpty() || phase.get() == task.phase())
                    && (item.isEmpty() || item.equals(task.itemKey()))
                    && (promptContains.isEmpty() || task.prompt().contains(promptContains.get()));
        }
    }

    /** What an entry answers with. */
    sealed interface Reply {
        /** A JSON document, sent as prose and a fenced {@code json} block. */
        record Document(JsonNode json) implements Reply {}

        /** The whole reply text, as is. */
        record Verbatim(String text) implements Reply {}

        /** The built-in answer for the task's contract. */
        record Default() implements Reply {}
    }

    /**
     * One response entry.
     *
     * @param index its position in {@code responses}, from 0
     * @param line its line in the script, or 0 when unknown
     * @param times how many matching calls it answers, or every one when empty
     * @param files written relative to the task's folder before answering (relative paths, checked)
     * @param delay its latency, instead of the script's
     * @param fail the failure it answers with, if any
     */
    record Entry(
            int index,
            int line,
            Match match,
            OptionalInt times,
            Reply reply,
            Map<String, String> files,
            Optional<Duration> delay,
            Optional<AgentResult.Outcome.Failure> fail,
            Usage usage) {
        Entry {
            files = Collections.unmodifiableMap(new LinkedHashMap<>(files)); // in script order
        }

        String describe() {
            return "responses[" + index + "]" + (line > 0 ? " (line " + line + ")" : "");
        }
    }
}
