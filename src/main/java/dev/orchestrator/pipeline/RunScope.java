package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.project.Project;
import dev.orchestrator.workspace.Git;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What the phases of one pipeline run share: the services, the project and its repository, the
 * main checkout's agent calls, the stop signal, the calls adopted from earlier Orchestrators and
 * the prompt context.
 *
 * <p>Immutable, but not all it holds may cross threads: {@code calls} and {@code git} belong to
 * the project's pipeline thread (the main checkout); the implement phase's item threads and a
 * swarm's member threads share the services, the stop signal, the adoptions and the context
 * function (all thread-safe) and make agent calls of their own.
 *
 * @param context the template context every prompt of a phase and role starts from
 */
record RunScope(
        PipelineServices services,
        Project project,
        Git git,
        AgentCalls calls,
        StopSignal stop,
        Adoptions adoptions,
        BiFunction<PhaseName, Role, Map<String, Object>> context) {}
