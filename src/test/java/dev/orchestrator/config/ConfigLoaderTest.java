package dev.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path home() throws IOException {
        return Files.createDirectories(dir.resolve("home"));
    }

    private ConfigLoader.Loaded load(Optional<Path> file, Map<String, String> env, List<ConfigLoader.FlagSetting> flags)
            throws IOException {
        return ConfigLoader.load(new ConfigLoader.Inputs(home(), file, env, flags, dir.resolve("cwd")));
    }

    private ConfigLoader.Loaded loadDefaults() throws IOException {
        return load(Optional.empty(), Map.of(), List.of());
    }

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, yaml);
    }

    private static ConfigLoader.FlagSetting set(String key, String value) {
        return new ConfigLoader.FlagSetting(key, value, "--set " + key + "=" + value);
    }

    @Test
    void defaults_comeFromThePackagedDocumentedFile() throws IOException {
        OrchestratorConfig config = loadDefaults().config();

        assertThat(config.workspace()).isEqualTo(home().resolve("workspace"));
        assertThat(config.autonomy()).isEqualTo(Autonomy.CHECKPOINT);
        assertThat(config.agent().backend()).isEqualTo(AgentBackend.CLAUDE_CODE);
        assertThat(config.agent().effectiveCommand()).contains("claude");
        assertThat(config.agent().model()).isEmpty();
        assertThat(config.agent().timeouts().callSeconds()).isEqualTo(1800);
        assertThat(config.phases()).containsOnlyKeys(PhaseName.values());
        assertThat(config.phase(PhaseName.DEPLOY).enabled()).isFalse();
        assertThat(config.phase(PhaseName.TASK_BREAKDOWN).checkpoint()).isTrue();
        assertThat(config.recovery().repairAttempts()).isEqualTo(2);
        assertThat(config.budget().maxUsdPerProject()).isEmpty();
    }

    @Test
    void layers_overrideInOrder_defaultsHomeFileConfigFlagEnvironmentFlags() throws IOException {
        Files.writeString(
                home().resolve("config.yaml"), "autonomy: full\nagent:\n  model: home-model\n  max_turns: 7\n");
        Path explicit = write("explicit.yaml", "agent:\n  model: file-model\n");

        OrchestratorConfig fileOnly =
                load(Optional.of(explicit), Map.of(), List.of()).config();
        assertThat(fileOnly.autonomy()).isEqualTo(Autonomy.FULL);
        assertThat(fileOnly.agent().model()).contains("file-model");
        assertThat(fileOnly.agent().maxTurns()).isEqualTo(7);

        Map<String, String> env = Map.of("ORCHESTRATOR_AGENT_MODEL", "env-model", "ORCHESTRATOR_AGENT_MAX_TURNS", "9");
        OrchestratorConfig withEnv = load(Optional.of(explicit), env, List.of()).config();
        assertThat(withEnv.agent().model()).contains("env-model");
        assertThat(withEnv.agent().maxTurns()).isEqualTo(9);

        OrchestratorConfig withFlags = load(
                        Optional.of(explicit),
                        env,
                        List.of(set("agent.model", "flag-model"), set("autonomy", "checkpoint")))
                .config();
        assertThat(withFlags.agent().model()).contains("flag-model");
        assertThat(withFlags.agent().maxTurns()).isEqualTo(9);
        assertThat(withFlags.autonomy()).isEqualTo(Autonomy.CHECKPOINT);
    }

    @Test
    void loaded_listsTheFilesItRead() throws IOException {
        Path homeFile = Files.writeString(home().resolve("config.yaml"), "autonomy: full\n");
        Path explicit = write("explicit.yaml", "autonomy: checkpoint\n");

        assertThat(load(Optional.of(explicit), Map.of(), List.of()).files()).containsExactly(homeFile, explicit);
    }

    @Test
    void environment_nestedKeysWithUnderscoresMapToTheirPath() throws IOException {
        OrchestratorConfig config = load(
                        Optional.empty(),
                        Map.of(
                                "ORCHESTRATOR_PHASES_TASK_BREAKDOWN_SWARM_SIZE", "5",
                                "ORCHESTRATOR_PHASES_IDEATION_PATTERN", "swarm",
                                "ORCHESTRATOR_BUDGET_MAX_USD_PER_PROJECT", "12.50",
                                "ORCHESTRATOR_WORKSPACE", "ws"),
                        List.of())
                .config();

        assertThat(config.phase(PhaseName.TASK_BREAKDOWN).swarmSize()).isEqualTo(5);
        assertThat(config.phase(PhaseName.IDEATION).pattern()).isEqualTo(PhasePattern.SWARM);
        assertThat(config.budget().maxUsdPerProject()).contains(new BigDecimal("12.50"));
        assertThat(config.workspace()).isEqualTo(dir.resolve("cwd/ws"));
    }

    @Test
    void environment_literalNullUnsetsAValue() throws IOException {
        Files.writeString(home().resolve("config.yaml"), "agent:\n  model: opus\n");

        OrchestratorConfig config = load(Optional.empty(), Map.of("ORCHESTRATOR_AGENT_MODEL", "null"), List.of())
                .config();

        assertThat(config.agent().model()).isEmpty();
    }

    @Test
    void environment_unknownPrefixedVariableIsAWarningWithASuggestion() throws IOException {
        ConfigLoader.Loaded loaded = load(
                Optional.empty(),
                Map.of("ORCHESTRATOR_WORKSPCE", "/tmp/x", "ORCHESTRATOR_HOME", "/ignored", "PATH", "/bin"),
                List.of());

        assertThat(loaded.warnings())
                .singleElement()
                .asString()
                .contains("ORCHESTRATOR_WORKSPCE")
                .contains("did you mean ORCHESTRATOR_WORKSPACE?");
    }

    @Test
    void environment_invalidValueNamesTheVariableAndAllowedValues() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("ORCHESTRATOR_AUTONOMY", "sometimes"), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("autonomy: \"sometimes\" is not allowed")
                .hasMessageContaining("environment variable ORCHESTRATOR_AUTONOMY")
                .hasMessageContaining("allowed values: checkpoint, full");
    }

    @Test
    void file_invalidEnumNamesFileLineKeyAndAllowedValues() throws IOException {
        Path file = write("bad.yaml", "# comment\nagent:\n  backend: gpt\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.backend: \"gpt\" is not allowed")
                .hasMessageContaining(file + ", line 3")
                .hasMessageContaining("allowed values: claude-code, codex, scripted");
    }

    @Test
    void file_unknownKeysAreAllReportedWithSuggestions() throws IOException {
        Path file = write(
                "bad.yaml", "autonomy: full\nagent:\n  modle: x\nphases:\n  implemnt:\n    enabled: true\nfoo: 1\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "unknown key agent.modle (" + file + ", line 3); did you mean agent.model?",
                                        "unknown key phases.implemnt (" + file
                                                + ", line 5); did you mean phases.implement?",
                                        "unknown key foo (" + file + ", line 7); the keys allowed at the top level are:"
                                                + " agent, autonomy, budget, deploy, phases, prompts, recovery, store, workspace."));
    }

    @Test
    void file_outOfRangeValueNamesTheFullKeyAndLine() throws IOException {
        Path file = write("bad.yaml", "phases:\n  ideation:\n    pattern: swarm\n    swarm_size: 20\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("phases.ideation.swarm_size must be a whole number from 2 to 8, not 20")
                .hasMessageContaining(file + ", line 4");
    }

    @Test
    void file_swarmOnAPlanningPhaseIsAccepted() throws IOException {
        Path file = write(
                "swarm.yaml",
                "phases:\n  ideation:\n    pattern: swarm\n  architecture:\n    pattern: swarm\n"
                        + "    swarm_size: 5\n  task_breakdown:\n    pattern: swarm\n");

        OrchestratorConfig config = load(Optional.of(file), Map.of(), List.of()).config();

        assertThat(config.phase(PhaseName.IDEATION).pattern()).isEqualTo(PhasePattern.SWARM);
        assertThat(config.phase(PhaseName.IDEATION).swarmSize()).isEqualTo(3);
        assertThat(config.phase(PhaseName.ARCHITECTURE).swarmSize()).isEqualTo(5);
        assertThat(config.phase(PhaseName.TASK_BREAKDOWN).pattern()).isEqualTo(PhasePattern.SWARM);
    }

    @Test
    void file_swarmOnAPhaseThatChangesFilesIsRefusedWithItsKeyAndLine() throws IOException {
        Path file = write("bad.yaml", "phases:\n  implement:\n    pattern: swarm\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("phases.implement.pattern must be single: only the planning phases")
                .hasMessageContaining(file + ", line 3");
    }

    @Test
    void file_wrongTypeNamesTheKey() throws IOException {
        Path file = write("bad.yaml", "agent:\n  max_turns: lots\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.max_turns: \"lots\" is not a whole number")
                .hasMessageContaining(file + ", line 2");
    }

    @Test
    void file_fractionWhereAWholeNumberBelongsIsRefused() throws IOException {
        Path file = write("bad.yaml", "recovery:\n  max_retries: 2.5\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("recovery.max_retries");
    }

    @Test
    void file_mappingWhereAValueBelongsAndBackAreRefused() throws IOException {
        Path file = write("bad.yaml", "agent: claude\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "agent must be a mapping of keys, not the value \"claude\" (" + file + ", line 1)");
    }

    @Test
    void file_yamlSyntaxErrorNamesLineAndColumn() throws IOException {
        Path file = write("bad.yaml", "autonomy: full\nagent:\n  model: [unclosed\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ", line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void file_duplicateKeyIsRefused() throws IOException {
        Path file = write("bad.yaml", "autonomy: full\nautonomy: checkpoint\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("autonomy");
    }

    @Test
    void file_topLevelListIsRefused() throws IOException {
        Path file = write("bad.yaml", "- a\n- b\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the top level must be a mapping of keys");
    }

    @Test
    void file_emptyFileChangesNothing() throws IOException {
        Path file = write("empty.yaml", "# nothing here\n");

        assertThat(load(Optional.of(file), Map.of(), List.of()).config())
                .isEqualTo(loadDefaults().config());
    }

    @Test
    void file_missingExplicitFileIsRefused() {
        assertThatThrownBy(() -> load(Optional.of(dir.resolve("nope.yaml")), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--config " + dir.resolve("nope.yaml") + ": no such file");
    }

    @Test
    void file_fallbackEqualToBackendIsRefused() throws IOException {
        Path file = write("bad.yaml", "agent:\n  backend: codex\n  fallback: codex\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.fallback must differ from agent.backend (codex)")
                .hasMessageContaining(file + ", line 3");
    }

    @Test
    void file_agentEnvAcceptsAnyKeysButOnlySingleValues() throws IOException {
        Path good = write("good.yaml", "agent:\n  env:\n    ANTHROPIC_BASE_URL: http://127.0.0.1:9\n    RETRIES: 3\n");
        assertThat(load(Optional.of(good), Map.of(), List.of()).config().agent().env())
                .containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
                .containsEntry("RETRIES", "3");

        Path bad = write("bad.yaml", "agent:\n  env:\n    NESTED:\n      a: b\n");
        assertThatThrownBy(() -> load(Optional.of(bad), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.env.NESTED must be a single value");
    }

    @Test
    void prices_defaultsPriceKnownModelsAndAFileAddsOrRefusesOnes() throws IOException {
        OrchestratorConfig defaults = loadDefaults().config();
        assertThat(defaults.agent().price("gpt-5")).isPresent();
        assertThat(defaults.agent().price("gpt-5").orElseThrow().costMicros(1_000_000, 0, 100_000))
                .isEqualTo(1_250_000 + 1_000_000);
        assertThat(defaults.agent().price("no-such-model")).isEmpty();

        Path good = write("prices.yaml", "agent:\n  prices:\n    my-model: {input: 2, output: 8}\n");
        ModelPrice mine = load(Optional.of(good), Map.of(), List.of())
                .config()
                .agent()
                .price("my-model")
                .orElseThrow();
        // cached input costs what input costs unless it is given
        assertThat(mine.costMicros(1_000, 1_000, 0)).isEqualTo(2_000);

        Path bad = write("bad-prices.yaml", "agent:\n  prices:\n    my-model: {input: -1, output: 8}\n");
        assertThatThrownBy(() -> load(Optional.of(bad), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.prices.my-model.input must be 0 or more US dollars per million tokens");
    }

    @Test
    void recovery_backoffMaxBelowTheFirstWaitIsRefused() throws IOException {
        Path bad = write("bad.yaml", "recovery:\n  backoff_seconds: 30\n  backoff_max_seconds: 5\n");

        assertThatThrownBy(() -> load(Optional.of(bad), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("recovery.backoff_max_seconds must be at least backoff_seconds (30)");
    }

    @Test
    void workspace_relativePathResolvesAgainstTheFileThatSetIt_andTildeIsHome() throws IOException {
        Path file = write("conf/relative.yaml", "workspace: projects\n");
        assertThat(load(Optional.of(file), Map.of(), List.of()).config().workspace())
                .isEqualTo(dir.resolve("conf/projects"));

        Path tilde = write("conf/tilde.yaml", "workspace: ~/work\n");
        assertThat(load(Optional.of(tilde), Map.of(), List.of()).config().workspace())
                .isEqualTo(Path.of(System.getProperty("user.home"), "work"));
    }

    @Test
    void flags_unknownKeyIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), List.of(set("agent.max_turn", "3"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "agent.max_turn is not a key that takes a single value; did you mean agent.max_turns?");
    }

    @Test
    void environmentVariable_namesFollowTheKeyPath() {
        assertThat(ConfigLoader.environmentVariable("phases.task_breakdown.swarm_size"))
                .isEqualTo("ORCHESTRATOR_PHASES_TASK_BREAKDOWN_SWARM_SIZE");
    }

    @Test
    void paths_scriptAndPromptsDirAreRelativeToTheFileThatSetsThem() throws IOException {
        Path file =
                write("paths.yaml", "agent:\n  backend: scripted\n  script: run.yaml\nprompts:\n  dir: ~/my-prompts\n");

        OrchestratorConfig config = load(Optional.of(file), Map.of(), List.of()).config();

        assertThat(config.agent().script()).contains(file.getParent().resolve("run.yaml"));
        assertThat(config.prompts().dir())
                .contains(Path.of(System.getProperty("user.home")).resolve("my-prompts"));
    }

    @Test
    void scriptedBackend_withoutScriptIsRefusedWithTheKey() {
        assertThatThrownBy(() -> load(
                        Optional.empty(),
                        Map.of(),
                        List.of(new ConfigLoader.FlagSetting(
                                "agent.backend", "scripted", "--set agent.backend=scripted"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.script")
                .hasMessageContaining("is needed when agent.backend is scripted");
    }

    @Test
    void reviewCycles_areOnlyKnownWhereTheyApply() throws IOException {
        Path file = write(
                "cycles.yaml",
                "phases:\n  implement:\n    max_review_cycles: 4\n  ideation:\n    max_review_cycles: 1\n");

        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key phases.ideation.max_review_cycles");
    }

    @Test
    void mergeWait_defaultsToFiveMinutes_isSetForImplementOnly_andOutOfRangeNamesTheKey() throws IOException {
        assertThat(loadDefaults().config().phase(PhaseName.IMPLEMENT).mergeWaitSeconds())
                .isEqualTo(300);
        assertThat(load(Optional.empty(), Map.of(), List.of(set("phases.implement.merge_wait_seconds", "2")))
                        .config()
                        .phase(PhaseName.IMPLEMENT)
                        .mergeWaitSeconds())
                .isEqualTo(2);

        Path negative = write("wait.yaml", "phases:\n  implement:\n    merge_wait_seconds: -1\n");
        assertThatThrownBy(() -> load(Optional.of(negative), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "phases.implement.merge_wait_seconds must be a whole number from 0 to 86400, not -1")
                .hasMessageContaining("line 3");
        Path elsewhere = write("test-wait.yaml", "phases:\n  test:\n    merge_wait_seconds: 10\n");
        assertThatThrownBy(() -> load(Optional.of(elsewhere), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key phases.test.merge_wait_seconds");
    }
}
