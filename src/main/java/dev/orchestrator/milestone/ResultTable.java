package dev.orchestrator.milestone;

import dev.orchestrator.repl.Style;
import dev.orchestrator.repl.Table;
import dev.orchestrator.work.WorkItemStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The table a {@code run --milestone} ends with: one row per issue, with its status, cycles, cost and branch. */
public final class ResultTable {
    /**
     * One issue's result.
     *
     * @param issue the issue's id
     * @param status where it ended
     * @param cycles review/fix cycles it took
     * @param costMicros what its agent calls cost, in micro-dollars
     * @param branch the branch that holds its work, if one was made
     */
    public record Row(String issue, WorkItemStatus status, int cycles, long costMicros, Optional<String> branch) {
        public Row {
            if (cycles < 0 || costMicros < 0) {
                throw new IllegalArgumentException(
                        "cycles and cost cannot be negative: cycles=" + cycles + ", costMicros=" + costMicros);
            }
        }
    }

    private static final List<Table.Column> COLUMNS = List.of(
            Table.Column.shrinking("issue"),
            Table.Column.left("status"),
            Table.Column.right("cycles"),
            Table.Column.right("cost"),
            Table.Column.left("branch"));

    private ResultTable() {}

    /** The table's lines, header first, no wider than {@code width} where the issue column can be cut. */
    public static List<String> render(List<Row> rows, int width, Style style) {
        Table table = new Table(COLUMNS);
        for (Row row : rows) {
            table.row(List.of(
                    Table.Cell.plain(row.issue()),
                    new Table.Cell(row.status().wireName(), paint(row.status(), style)),
                    Table.Cell.plain(Integer.toString(row.cycles())),
                    Table.Cell.plain(usd(row.costMicros())),
                    Table.Cell.plain(row.branch().orElse("-"))));
        }
        return table.render(width, style);
    }

    /** Dollars with two decimals, rounded half up: {@code $1.25}, {@code $0.00}. */
    static String usd(long micros) {
        return "$"
                + BigDecimal.valueOf(micros)
                        .movePointLeft(6)
                        .setScale(2, RoundingMode.HALF_UP)
                        .toPlainString();
    }

    private static UnaryOperator<String> paint(WorkItemStatus status, Style style) {
        return switch (status) {
            case DONE -> style::green;
            case NEEDS_ATTENTION -> style::yellow;
            case IN_PROGRESS -> style::cyan;
            default -> style::dim;
        };
    }
}
