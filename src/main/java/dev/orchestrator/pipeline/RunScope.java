package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.Project;
import dev.orchestrator.workspace.Git;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What the phases of one pipeline run share: the services, the project and its repository, the
 * agent calls, the stop signal and the prompt context. Used by the run's thread only.
 *
 * @param context the template context every prompt of a phase and role starts from
 */
record RunScope(
        PipelineServices services,
        Project project,
        Git git,
        AgentCalls calls,
        StopSignal stop,
        BiFunction<PhaseName, Role, Map<String, Object>> context) {}
