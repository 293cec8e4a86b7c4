package dev.orchestrator.pipeline;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.contract.Validation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

/**
 * A planning phase run by a swarm ({@code phases.<name>.pattern: swarm}): {@code swarm_size}
 * members answer the phase's task at the same time, each with its own {@link SwarmFocus}; then an
 * aggregator merges their documents into the phase's candidate. When the aggregator fails (it gave
 * up after its retries, or its answer stayed invalid after the repairs), {@link SwarmMerge} merges
 * the documents deterministically instead.
 *
 * <p>Every call is an agent session of the phase: member {@code n} has cycle {@code n}, the
 * aggregator cycle 0 (the phase's own answer, as a single agent's), and all of them the round as
 * their attempt: the number of candidates the phase has had, plus one. A rejection or the person's
 * answers clear the candidate, so the next run is a new round with a fresh swarm; a resume within a
 * round (a stop, a crash, a pause) reuses the members that finished and runs only the others. Only
 * the aggregator's answer, or the merge, becomes the candidate.
 *
 * <p>A member that gives up or stays invalid is recorded ({@code swarm_member_failed}) and the others
 * are aggregated; when all fail, the phase fails as a single agent's would (a pause when any gave
 * up, else a phase failure). A pause the person must act on (a spent budget, an agent that cannot
 * run) and a stop end the swarm once every member has returned.
 *
 * <p>Threads: this object, the round's bookkeeping and the aggregator's call belong to the
 * pipeline's thread, which waits for the members. Each member runs on a virtual thread of its own
 * with its own {@link AgentCalls}, and hands back only an immutable {@link Outcome}; the services it
 * shares are thread-safe, and the prompt context it gets is a copy that nothing changes.
 */
final class Swarm {
    private final RunScope scope;
    private final PhaseName phase;
    private final Role role;
    private final String template;
    private final Contract contract;

    /** How one member's call ended. */
    private sealed interface Outcome {
        int member();

        record Answered(int member, JsonNode document) implements Outcome {}

        record Failed(int member, RuntimeException failure) implements Outcome {}
    }

    Swarm(RunScope scope, PhaseName phase, Role role, String template, Contract contract) {
        this.scope = scope;
        this.phase = phase;
        this.role = role;
        this.template = template;
        this.contract = contract;
    }

    /** Runs the round to its candidate, which is stored when this returns. */
    void run() throws InterruptedException {
        PipelineServices services = scope.services();
        int size = services.config().phase(phase).swarmSize();
        int round = services.store().candidateCount(scope.project().id(), phase) + 1;
        Map<String, Object> base = Collections.unmodifiableMap(scope.context().apply(phase, role));
        Map<Integer, Outcome> outcomes = finishedMembers(round, size);
        List<Integer> pending = new ArrayList<>();
        for (int member = 1; member <= size; member++) {
            if (!outcomes.containsKey(member)) {
                pending.add(member);
            }
        }
        progress(
                outcomes.isEmpty()
                        ? "swarm of " + size + " " + role.wireName() + "s at work: " + focuses(pending)
                        : "swarm: members " + joined(outcomes.keySet()) + " finished before; running "
                                + (pending.isEmpty() ? "none" : focuses(pending)));
        for (Outcome outcome : runMembers(pending, base, round, size)) {
            outcomes.put(outcome.member(), outcome);
        }
        List<Outcome.Answered> answered = new ArrayList<>();
        List<Outcome.Failed> failed = new ArrayList<>();
        outcomes.values().stream()
                .sorted(Comparator.comparingInt(Outcome::member))
                .forEach(o -> {
                    switch (o) {
                        case Outcome.Answered a -> answered.add(a);
                        case Outcome.Failed f -> failed.add(f);
                    }
                });
        for (int member = 1; member <= size; member++) {
            // every member has answered or failed for good: their lanes' CLI state can go
            AgentCalls.forgetLane(services, scope.project(), AgentCalls.lane(phase, Optional.empty(), member));
        }
        if (answered.isEmpty()) {
            throw allFailed(failed);
        }
        aggregate(base, round, size, answered, failed);
    }

    /** Members whose call finished in this round, by member; a resume does not run them again. */
    private Map<Integer, Outcome> finishedMembers(int round, int size) {
        Map<Integer, Outcome> finished = new TreeMap<>();
        for (Step step : scope.services().store().phaseSteps(scope.project().id(), phase, round)) {
            if (step.cycle() >= 1 && step.cycle() <= size) {
                finished.put(step.cycle(), new Outcome.Answered(step.cycle(), AgentCalls.JSON.readTree(step.output())));
            }
        }
        return finished;
    }

    // ---- members --------------------------------------------------------------------------------

    /** Runs the members at once, one virtual thread each, and waits for all of them. */
    private List<Outcome> runMembers(List<Integer> members, Map<String, Object> base, int round, int size)
            throws InterruptedException {
        if (members.isEmpty()) {
            return List.of();
        }
        Map<String, String> mdc = Optional.ofNullable(MDC.getCopyOfContextMap()).orElse(Map.of());
        List<Outcome> outcomes = new ArrayList<>();
        List<RuntimeException> errors = new ArrayList<>();
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
                .name("project-" + scope.project().id() + "-swarm-", 1)
                .factory())) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int member : members) {
                futures.add(threads.submit(() -> {
                    MDC.setContextMap(mdc);
                    return runMember(member, base, round, size);
                }));
            }
            for (Future<Outcome> future : futures) {
                try {
                    outcomes.add(future.get());
                } catch (ExecutionException e) {
                    errors.add(
                            e.getCause() instanceof RuntimeException r
                                    ? r
                                    : new IllegalStateException(
                                            "a swarm member failed: " + e.getCause(), e.getCause()));
                } catch (InterruptedException e) {
                    // the pipeline is being ended: end the members too; closing waits for them to record it
                    threads.shutdownNow();
                    throw e;
                }
            }
        }
        if (!errors.isEmpty()) {
            // a stop, a pause the person must act on, or a bug: every member has returned, and the
            // finished ones are kept for the resume
            throw errors.stream()
                    .filter(e -> e instanceof StopSignal.StopRequested)
                    .findFirst()
                    .orElse(errors.getFirst());
        }
        return outcomes;
    }

    /** One member's call, on its own thread with its own {@link AgentCalls}. */
    private Outcome runMember(int member, Map<String, Object> base, int round, int size) throws InterruptedException {
        SwarmFocus focus = SwarmFocus.of(member);
        PipelineServices services = scope.services();
        Map<String, Object> context = new HashMap<>(base);
        context.put(
                "focus",
                Map.of(
                        "name",
                        focus.title(),
                        "brief",
                        services.prompts().render(focus.template(), base),
                        "member",
                        member,
                        "size",
                        size));
        AgentCalls calls = new AgentCalls(services, scope.project(), scope.git(), scope.stop(), scope.adoptions());
        try {
            AgentCalls.Answer answer =
                    calls.call(AgentCalls.Call.swarmMember(role, phase, template, contract, context, round, member));
            progress("swarm member " + member + " (" + focus.title() + ") answered");
            return new Outcome.Answered(member, answer.document());
        } catch (AgentPause e) {
            if (e.kind() != AgentPause.Kind.GAVE_UP) {
                throw e;
            }
            return memberFailed(member, e);
        } catch (PhaseFailure e) {
            return memberFailed(member, e);
        }
    }

    private Outcome memberFailed(int member, RuntimeException failure) {
        SwarmFocus focus = SwarmFocus.of(member);
        scope.services()
                .store()
                .note(
                        scope.project().id(),
                        "swarm_member_failed",
                        Map.of(
                                "phase",
                                phase.toString(),
                                "member",
                                member,
                                "focus",
                                focus.title(),
                                "error",
                                String.valueOf(failure.getMessage())));
        progress("swarm member " + member + " (" + focus.title() + ") failed: " + failure.getMessage());
        return new Outcome.Failed(member, failure);
    }

    /** Every member failed: the phase fails as one agent's failure would, a pause if any gave up. */
    private RuntimeException allFailed(List<Outcome.Failed> failed) {
        String why = "all " + failed.size() + " swarm members failed: "
                + failed.stream()
                        .map(f -> "member " + f.member() + " ("
                                + SwarmFocus.of(f.member()).title() + "): "
                                + f.failure().getMessage())
                        .collect(Collectors.joining("; "));
        boolean gaveUp = failed.stream().anyMatch(f -> f.failure() instanceof AgentPause);
        return gaveUp ? new AgentPause(AgentPause.Kind.GAVE_UP, why) : new PhaseFailure(why);
    }

    // ---- aggregation ----------------------------------------------------------------------------

    private void aggregate(
            Map<String, Object> base, int round, int size, List<Outcome.Answered> answered, List<Outcome.Failed> failed)
            throws InterruptedException {
        Map<String, Object> context = new HashMap<>(base);
        context.put(
                "swarm",
                Map.of(
                        "size",
                        size,
                        "members",
                        answered.stream()
                                .map(a -> Map.of(
                                        "member",
                                        a.member(),
                                        "focus",
                                        SwarmFocus.of(a.member()).title(),
                                        "json",
                                        AgentCalls.JSON
                                                .writerWithDefaultPrettyPrinter()
                                                .writeValueAsString(a.document())))
                                .toList(),
                        "failed",
                        failed.stream()
                                .map(f -> Map.of(
                                        "member",
                                        f.member(),
                                        "focus",
                                        SwarmFocus.of(f.member()).title(),
                                        "error",
                                        f.failure().getMessage()))
                                .toList()));
        progress("aggregator merging " + answered.size() + " of " + size + " documents");
        String why;
        try {
            scope.calls().call(AgentCalls.Call.aggregator(role, phase, contract, context, round));
            return;
        } catch (AgentPause e) {
            if (e.kind() != AgentPause.Kind.GAVE_UP) {
                throw e;
            }
            why = e.getMessage();
        } catch (PhaseFailure e) {
            why = e.getMessage();
        }
        scope.services()
                .store()
                .note(scope.project().id(), "swarm_aggregator_failed", Map.of("phase", phase.toString(), "error", why));
        progress("the aggregator failed (" + why + "); merging the members' documents deterministically");
        merge(answered);
    }

    /** The deterministic merge becomes the candidate, checked against the contract like any answer. */
    private void merge(List<Outcome.Answered> answered) {
        JsonNode merged = SwarmMerge.merge(
                contract, answered.stream().map(Outcome.Answered::document).toList());
        if (scope.services().contracts().validateDocument(contract, merged) instanceof Validation.Invalid invalid) {
            throw new PhaseFailure("the swarm's deterministic merge did not match " + contract.id() + ": "
                    + String.join(
                            "; ",
                            invalid.problems()
                                    .subList(0, Math.min(3, invalid.problems().size()))));
        }
        scope.services()
                .store()
                .storeCandidate(
                        scope.project().id(), phase, contract, AgentCalls.JSON.writeValueAsString(merged), "merge");
        progress("merged " + answered.size() + " members' documents deterministically");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String focuses(List<Integer> members) {
        return members.stream().map(m -> m + " " + SwarmFocus.of(m).title()).collect(Collectors.joining(", "));
    }

    private static String joined(Iterable<Integer> members) {
        List<String> names = new ArrayList<>();
        members.forEach(m -> names.add(String.valueOf(m)));
        return String.join(", ", names);
    }

    private void progress(String line) {
        scope.services().listener().progress(scope.project().id(), "[" + phase + "] " + line);
    }
}
