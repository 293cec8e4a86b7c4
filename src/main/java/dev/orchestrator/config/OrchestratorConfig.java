package dev.orchestrator.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The effective configuration: every layer merged, validated once at start, immutable afterwards.
 *
 * @param workspace the folder under which each project gets its own folder; always absolute
 */
public record OrchestratorConfig(
        Path workspace,
        Autonomy autonomy,
        AgentConfig agent,
        Map<PhaseName, PhaseConfig> phases,
        RecoveryConfig recovery,
        BudgetConfig budget,
        StoreConfig store,
        PromptsConfig prompts,
        DeployConfig deploy) {

    public OrchestratorConfig {
        InvalidSetting.requirePresent("workspace", workspace);
        InvalidSetting.requirePresent("autonomy", autonomy);
        InvalidSetting.requirePresent("agent", agent);
        InvalidSetting.requirePresent("phases", phases);
        InvalidSetting.requirePresent("recovery", recovery);
        InvalidSetting.requirePresent("budget", budget);
        InvalidSetting.requirePresent("store", store);
        InvalidSetting.requirePresent("prompts", prompts);
        InvalidSetting.requirePresent("deploy", deploy);
        for (PhaseName name : PhaseName.values()) {
            if (phases.get(name) == null) {
                throw new InvalidSetting("phases", "has no settings for phase " + name);
            }
            if (phases.get(name).pattern() == PhasePattern.SWARM && !SWARM_PHASES.contains(name)) {
                throw new InvalidSetting(
                        "phases/" + name + "/pattern",
                        "must be single: only the planning phases (ideation, architecture, task_breakdown) run"
                                + " as a swarm");
            }
        }
        phases = Map.copyOf(new EnumMap<>(phases));
    }

    /** The phases that may run as a swarm: those that answer with a document and change no files. */
    public static final Set<PhaseName> SWARM_PHASES =
            Set.of(PhaseName.IDEATION, PhaseName.ARCHITECTURE, PhaseName.TASK_BREAKDOWN);

    /** The settings of one phase. */
    public PhaseConfig phase(PhaseName name) {
        return phases.get(name);
    }
}
