package dev.orchestrator.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which coding agent runs and how ({@code agent}).
 *
 * @param script the script the {@code scripted} backend replays
 * @param cacheTtlSeconds how long a planning answer may be reused for the same backend, model,
 *     prompt and contract; 0 turns the cache off
 * @param prices what models' tokens cost, for backends that report no money (Codex)
 */
public record AgentConfig(
        AgentBackend backend,
        Optional<String> command,
        Optional<String> model,
        Optional<AgentBackend> fallback,
        int maxTurns,
        Map<String, String> env,
        AgentTimeouts timeouts,
        Optional<Path> script,
        int cacheTtlSeconds,
        Map<String, ModelPrice> prices) {

    public AgentConfig {
        InvalidSetting.requirePresent("backend", backend);
        command = blankToEmpty(command);
        model = blankToEmpty(model);
        fallback = fallback == null ? Optional.empty() : fallback;
        if (fallback.isPresent() && fallback.get() == backend) {
            throw new InvalidSetting("fallback", "must differ from agent.backend (" + backend + "), or be null");
        }
        InvalidSetting.requireRange("max_turns", maxTurns, 1, 10_000);
        env = env == null ? Map.of() : Map.copyOf(env);
        InvalidSetting.requirePresent("timeouts", timeouts);
        script = script == null ? Optional.empty() : script;
        InvalidSetting.requireRange("cache_ttl_seconds", cacheTtlSeconds, 0, 31_536_000);
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        if (backend == AgentBackend.SCRIPTED && script.isEmpty()) {
            throw new InvalidSetting(
                    "script", "is needed when agent.backend is scripted: name the script file to replay");
        }
    }

    /** The program to run: {@code agent.command}, else the backend's usual name. */
    public Optional<String> effectiveCommand() {
        return command.or(() -> Optional.ofNullable(backend.defaultCommand()));
    }

    /**
     * These settings for another backend (the fallback, or one {@code /agents} looks at): the
     * command and model are the configured backend's own, so the other one gets its usual command
     * and its own default model.
     */
    public AgentConfig forBackend(AgentBackend other) {
        if (other == backend) {
            return this;
        }
        return new AgentConfig(
                other,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                maxTurns,
                env,
                timeouts,
                script,
                cacheTtlSeconds,
                prices);
    }

    /** The price of a model's tokens, if the table has it. */
    public Optional<ModelPrice> price(String model) {
        return Optional.ofNullable(prices.get(model));
    }

    private static Optional<String> blankToEmpty(Optional<String> value) {
        return value == null ? Optional.empty() : value.filter(s -> !s.isBlank());
    }
}
