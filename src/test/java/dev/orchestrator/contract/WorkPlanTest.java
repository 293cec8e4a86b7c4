package dev.orchestrator.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkPlanTest {

    private static PlanItem item(String key, int priority, String... dependsOn) {
        return new PlanItem(key, "Title " + key, "", List.of(), List.of(dependsOn), priority);
    }

    private static List<String> keys(List<PlanItem> items) {
        return items.stream().map(PlanItem::key).toList();
    }

    @Test
    void inOrder_putsDependenciesFirst() {
        WorkPlan plan = new WorkPlan(List.of(item("W3", 1, "W2"), item("W2", 1, "W1"), item("W1", 4)));

        assertThat(keys(plan.inOrder())).containsExactly("W1", "W2", "W3");
    }

    @Test
    void inOrder_breaksTiesByPriorityThenKeyAsPeopleReadIt() {
        WorkPlan plan = new WorkPlan(List.of(
                item("W10", 2), item("W9", 2), item("W2", 3), item("W1", 4), item("B1", 2), item("W11", 1, "W1")));

        assertThat(keys(plan.inOrder())).containsExactly("B1", "W9", "W10", "W2", "W1", "W11");
    }

    @Test
    void inOrder_letsAReadyUrgentItemOvertakeLessUrgentOnes() {
        WorkPlan plan = new WorkPlan(List.of(item("W1", 3), item("W2", 3), item("W3", 1, "W1")));

        assertThat(keys(plan.inOrder())).containsExactly("W1", "W3", "W2");
    }

    @Test
    void inOrder_isTheSameWhateverOrderTheItemsWereWrittenIn() {
        List<PlanItem> items = List.of(
                item("W1", 2),
                item("W2", 1, "W1"),
                item("W3", 3),
                item("W4", 1, "W2", "W3"),
                item("W5", 2, "W3"),
                item("W6", 4),
                item("W7", 1, "W6", "W1"));
        List<String> expected = keys(new WorkPlan(items).inOrder());

        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<PlanItem> shuffled = new ArrayList<>(items);
            Collections.shuffle(shuffled, random);
            assertThat(keys(new WorkPlan(shuffled).inOrder())).isEqualTo(expected);
        }
        assertThat(expected).containsExactly("W1", "W2", "W3", "W4", "W5", "W6", "W7");
    }

    @Test
    void inOrder_refusesACycle() {
        WorkPlan plan = new WorkPlan(List.of(item("W1", 1, "W2"), item("W2", 1, "W1"), item("W3", 1)));

        assertThatThrownBy(plan::inOrder)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("work plan has a dependency cycle among W1, W2");
    }

    @Test
    void duplicateKeys_areRefused() {
        assertThatThrownBy(() -> new WorkPlan(List.of(item("W1", 1), item("W1", 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("work plan has two items with key W1");
    }

    @Test
    void naturalKeyOrder_comparesDigitRunsByValue() {
        List<String> keys = new ArrayList<>(List.of("W10", "W2", "W02", "A", "W1.10", "W1.9", "W", "B-3"));

        keys.sort(ItemKeys.NATURAL);

        assertThat(keys).containsExactly("A", "B-3", "W", "W1.9", "W1.10", "W02", "W2", "W10");
    }
}
