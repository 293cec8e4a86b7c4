package dev.orchestrator.repl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    private static Table table() {
        return new Table(List.of(Table.Column.right("ID"), Table.Column.shrinking("NAME"), Table.Column.left("STATUS")))
                .row(List.of(Table.Cell.plain("7"), Table.Cell.plain("short"), Table.Cell.plain("running")))
                .row(List.of(
                        Table.Cell.plain("12"),
                        Table.Cell.plain("a rather long project name"),
                        Table.Cell.plain("not started")));
    }

    @Test
    void render_alignsColumnsAndRightAlignsNumbers() {
        assertThat(table().render(200, Style.PLAIN))
                .containsExactly(
                        "ID  NAME                        STATUS",
                        " 7  short                       running",
                        "12  a rather long project name  not started");
    }

    @Test
    void render_shrinksTheShrinkableColumnWithAnEllipsisToFit() {
        List<String> lines = table().render(30, Style.PLAIN);

        assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(30));
        assertThat(lines.get(2)).contains("...");
    }

    @Test
    void render_colourDoesNotBreakAlignment() {
        Style color = new Style(true, true);
        List<String> lines = table().render(200, color);

        assertThat(lines.get(1).replaceAll("\u001b\\[[0-9;]*m", ""))
                .isEqualTo(" 7  short                       running");
    }
}
