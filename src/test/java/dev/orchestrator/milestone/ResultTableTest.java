package dev.orchestrator.milestone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.repl.Style;
import dev.orchestrator.work.WorkItemStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static final List<ResultTable.Row> ROWS = List.of(
            new ResultTable.Row("ISSUE-1", WorkItemStatus.DONE, 0, 1_254_000, Optional.of("orchestrator/ISSUE-1")),
            new ResultTable.Row(
                    "login-with-passkey",
                    WorkItemStatus.NEEDS_ATTENTION,
                    2,
                    12_345_678,
                    Optional.of("orchestrator/login-with-passkey")),
            new ResultTable.Row("ISSUE-3", WorkItemStatus.TODO, 0, 0, Optional.empty()));

    @Test
    void render_alignsColumnsWithCostInDollarsAndCyclesRightAligned() {
        assertThat(ResultTable.render(ROWS, 200, Style.PLAIN))
                .containsExactly(
                        "issue               status           cycles    cost  branch",
                        "ISSUE-1             done                  0   $1.25  orchestrator/ISSUE-1",
                        "login-with-passkey  needs_attention       2  $12.35  orchestrator/login-with-passkey",
                        "ISSUE-3             todo                  0   $0.00  -");
    }

    @Test
    void render_withColour_keepsTheAlignmentOfThePlainText() {
        List<String> coloured = ResultTable.render(ROWS, 200, new Style(true, true));

        assertThat(coloured.get(1)).contains("\u001b[");
        assertThat(coloured.stream().map(line -> line.replaceAll("\u001b\\[[0-9;]*m", "")))
                .containsExactlyElementsOf(ResultTable.render(ROWS, 200, Style.PLAIN));
    }

    @Test
    void render_narrowTerminal_cutsTheIssueColumnButNeverTheBranch() {
        List<String> lines = ResultTable.render(ROWS, 80, Style.PLAIN);

        assertThat(lines.get(2))
                .startsWith("login-with-...  needs_attention")
                .endsWith("orchestrator/login-with-passkey");
        assertThat(lines).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(80));
    }

    @Test
    void usd_roundsToCentsHalfUp() {
        assertThat(ResultTable.usd(0)).isEqualTo("$0.00");
        assertThat(ResultTable.usd(4_999)).isEqualTo("$0.00");
        assertThat(ResultTable.usd(5_000)).isEqualTo("$0.01");
        assertThat(ResultTable.usd(123_456_789)).isEqualTo("$123.46");
    }

    @Test
    void row_refusesNegativeCost() {
        assertThatThrownBy(() -> new ResultTable.Row("a", WorkItemStatus.DONE, 0, -1, Optional.empty()))
                .hasMessageContaining("costMicros=-1");
    }
}
