package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import java.util.Optional;

/**
 * One agent call of a phase as {@code /view --all} shows it: who, which round and member, how it
 * ended, what it cost and what it answered.
 *
 * @param attempt the swarm's round for a swarm's calls (see {@link Swarm}), else the phase's attempt
 * @param cycle a swarm member's number from 1, or 0 for the phase's own answer (a single agent or the aggregator)
 * @param status {@code running}, {@code completed}, {@code invalid}, {@code failed} or {@code interrupted}
 * @param error the error class and summary of a call that did not complete
 * @param output the validated answer of a completed call
 */
public record PhaseSession(
        long id,
        Role role,
        int attempt,
        int cycle,
        String status,
        long costMicros,
        Optional<String> error,
        Optional<String> output) {}
