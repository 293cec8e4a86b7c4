package dev.orchestrator.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

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
        }
        phases = Map.copyOf(new EnumMap<>(phases));
    }

    /** The settings of one phase. */
    public PhaseConfig phase(PhaseName name) {
        return phases.get(name);
    }
}
