package dev.orchestrator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class WorkPlanCheckTest {

    /** A plan from "KEY:DEP,DEP" specs, e.g. {@code plan("W1:", "W2:W1")}. */
    private static ObjectNode plan(String... specs) {
        ObjectNode plan = ContractJson.MAPPER.createObjectNode().put("contract", "work_plan.v1");
        ArrayNode items = plan.putArray("items");
        for (String spec : specs) {
            String[] parts = spec.split(":", -1);
            ArrayNode dependsOn = items.addObject().put("key", parts[0]).putArray("depends_on");
            if (!parts[1].isEmpty()) {
                List.of(parts[1].split(",")).forEach(dependsOn::add);
            }
        }
        return plan;
    }

    @Test
    void planWithoutCycles_hasNoProblems() {
        assertThat(WorkPlanCheck.problems(plan("W1:", "W2:W1", "W3:W1,W2", "W4:W3,W1")))
                .isEmpty();
    }

    @Test
    void duplicateKey_pointsAtBothItems() {
        assertThat(WorkPlanCheck.problems(plan("W1:", "W2:", "W1:")))
                .containsExactly("$.items[2].key: duplicate key \"W1\" (also at $.items[0])");
    }

    @Test
    void unknownDependency_isNamedWhereItIsWritten() {
        assertThat(WorkPlanCheck.problems(plan("W1:", "W2:W1,W7")))
                .containsExactly("$.items[1].depends_on[1]: \"W7\" is not the key of any item");
    }

    @Test
    void selfDependency_isNotReportedAsACycle() {
        assertThat(WorkPlanCheck.problems(plan("W1:", "W2:W2")))
                .containsExactly("$.items[1].depends_on[0]: item \"W2\" depends on itself");
    }

    @Test
    void twoItemCycle_isNamedAsAPath() {
        assertThat(WorkPlanCheck.problems(plan("W1:W3", "W2:", "W3:W1")))
                .containsExactly("$.items: dependency cycle: W1 -> W3 -> W1");
    }

    @Test
    void longerCycle_startsAtItsFirstItemInPlanOrderAndFollowsDependencies() {
        assertThat(WorkPlanCheck.problems(plan("A:", "W4:W2", "W2:W3", "W3:W4", "W5:W2")))
                .containsExactly("$.items: dependency cycle: W4 -> W2 -> W3 -> W4");
    }

    @Test
    void shortestCycle_isNamedWhenItemsShareSeveral() {
        assertThat(WorkPlanCheck.problems(plan("W1:W2,W3", "W2:W4", "W3:W1", "W4:W1")))
                .containsExactly("$.items: dependency cycle: W1 -> W3 -> W1");
    }

    @Test
    void separateCycles_areEachNamedOnceInPlanOrder() {
        assertThat(WorkPlanCheck.problems(plan("W1:W2", "W2:W1", "W3:W4", "W4:W3", "W5:W1,W3")))
                .containsExactly(
                        "$.items: dependency cycle: W1 -> W2 -> W1", "$.items: dependency cycle: W3 -> W4 -> W3");
    }

    @Test
    void allKindsOfProblems_areReportedTogether() {
        assertThat(WorkPlanCheck.problems(plan("W1:W1,W2", "W2:W1", "W2:", "W3:X")))
                .containsExactly(
                        "$.items[2].key: duplicate key \"W2\" (also at $.items[1])",
                        "$.items[0].depends_on[0]: item \"W1\" depends on itself",
                        "$.items[3].depends_on[0]: \"X\" is not the key of any item",
                        "$.items: dependency cycle: W1 -> W2 -> W1");
    }
}
