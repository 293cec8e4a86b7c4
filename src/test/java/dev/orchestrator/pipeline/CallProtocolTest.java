package dev.orchestrator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.agent.Role;
import dev.orchestrator.config.PhaseName;
import dev.orchestrator.contract.Contract;
import dev.orchestrator.project.ProjectId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The typed call protocol's values: what a follow-up asks, what a call keeps, which lane it runs in. */
class CallProtocolTest {
    @Test
    void followUp_continuesTheAgentsSession_whenThereIsOneAndTheAgentCan() {
        AgentCalls.Attempt next =
                AgentCalls.Attempt.followUp("the task", "fix these problems", Optional.of("session-1"), true);

        assertThat(next).isEqualTo(new AgentCalls.Attempt("fix these problems", Optional.of("session-1")));
    }

    @Test
    void followUp_restatesTheTask_inAFreshSession_otherwise() {
        AgentCalls.Attempt noSession = AgentCalls.Attempt.followUp("the task", "fix", Optional.empty(), true);
        AgentCalls.Attempt cannot = AgentCalls.Attempt.followUp("the task", "fix", Optional.of("s"), false);

        assertThat(noSession).isEqualTo(new AgentCalls.Attempt("the task\n\nfix", Optional.empty()));
        assertThat(cannot).isEqualTo(noSession);
    }

    @Test
    void factories_sayWhatEachCallKeepsAndWhereItRuns() {
        var planning = AgentCalls.Call.planning(
                Role.ANALYST, PhaseName.IDEATION, "ideation/requirements", Contract.REQUIREMENTS, Map.of());
        var member = AgentCalls.Call.swarmMember(
                Role.ANALYST, PhaseName.IDEATION, "ideation/requirements", Contract.REQUIREMENTS, Map.of(), 2, 3);
        var aggregator =
                AgentCalls.Call.aggregator(Role.ANALYST, PhaseName.IDEATION, Contract.REQUIREMENTS, Map.of(), 2);
        var scaffold = AgentCalls.Call.phaseStep(
                Role.DEVELOPER, PhaseName.INITIALIZE, "initialize/scaffold", Contract.DEV_RESULT, Map.of(), 1, 0);

        assertThat(planning.keeps()).isEqualTo(AgentCalls.Call.Keeps.CANDIDATE);
        assertThat(planning.lane()).isEqualTo("main");
        assertThat(planning.locks())
                .as("a planning agent only reads: no folder lock")
                .isFalse();
        assertThat(member.keeps()).isEqualTo(AgentCalls.Call.Keeps.ANSWER);
        assertThat(member.lane()).isEqualTo("swarm-ideation-3");
        assertThat(List.of(member.attempt(), member.cycle())).containsExactly(2, 3);
        assertThat(aggregator.keeps()).isEqualTo(AgentCalls.Call.Keeps.CANDIDATE);
        assertThat(aggregator.template()).isEqualTo("swarm/aggregate");
        assertThat(scaffold.keeps()).isEqualTo(AgentCalls.Call.Keeps.SNAPSHOT);
        assertThat(scaffold.locks()).isTrue();
        assertThat(AgentCalls.lane(PhaseName.IMPLEMENT, Optional.of("W3"), 1)).isEqualTo("W3");
    }

    @Test
    void keptWorking_namesEachAgentAndWhatBecomesOfIt_andTheProjectWhenThereAreSeveral() {
        ProjectId one = new ProjectId(1);
        ProjectId three = new ProjectId(3);

        assertThat(Engine.describe(List.of(
                        new Engine.KeptWorking(one, "W1 developer", false),
                        new Engine.KeptWorking(one, "W3 reviewer", true))))
                .isEqualTo("2 agents kept working while Orchestrator was closed: W1 developer (finished, adopted),"
                        + " W3 reviewer (still running, followed)");
        assertThat(Engine.describe(List.of(
                        new Engine.KeptWorking(one, "analyst", true),
                        new Engine.KeptWorking(three, "W2 fixer", false))))
                .isEqualTo("2 agents kept working while Orchestrator was closed: project 1 analyst (still running,"
                        + " followed), project 3 W2 fixer (finished, adopted)");
    }
}
