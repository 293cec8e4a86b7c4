package dev.orchestrator.repl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An aligned text table. Widths are measured on plain text, so colour applied per cell (after
 * padding) never breaks alignment; a column marked to shrink is cut with an ellipsis to fit.
 */
public final class Table {
    /** How a column lines up and whether it may be cut to fit the terminal. */
    public record Column(String header, boolean rightAligned, boolean shrinkable) {
        public static Column left(String header) {
            return new Column(header, false, false);
        }

        public static Column right(String header) {
            return new Column(header, true, false);
        }

        public static Column shrinking(String header) {
            return new Column(header, false, true);
        }
    }

    /** One cell: its text, and how to colour it once padded. */
    public record Cell(String text, UnaryOperator<String> paint) {
        public static Cell plain(String text) {
            return new Cell(text, UnaryOperator.identity());
        }
    }

    private static final String GAP = "  ";

    private final List<Column> columns;
    private final List<List<Cell>> rows = new ArrayList<>();

    public Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    public Table row(List<Cell> cells) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " cells, got " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** The table as lines no wider than {@code maxWidth} where shrinkable columns allow it. */
    public List<String> render(int maxWidth, Style style) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).header().length();
            for (List<Cell> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).text().length());
            }
        }
        fit(widths, maxWidth);
        List<String> lines = new ArrayList<>(rows.size() + 1);
        List<Cell> header =
                columns.stream().map(c -> new Cell(c.header(), style::bold)).toList();
        lines.add(line(header, widths));
        for (List<Cell> row : rows) {
            lines.add(line(row, widths));
        }
        return lines;
    }

    private void fit(int[] widths, int maxWidth) {
        int total = GAP.length() * (widths.length - 1);
        for (int width : widths) {
            total += width;
        }
        for (int c = widths.length - 1; c >= 0 && total > maxWidth; c--) {
            if (columns.get(c).shrinkable()) {
                int floor = Math.max(columns.get(c).header().length(), 8);
                int cut = Math.min(total - maxWidth, widths[c] - floor);
                if (cut > 0) {
                    widths[c] -= cut;
                    total -= cut;
                }
            }
        }
    }

    private String line(List<Cell> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String text = ellipsize(cells.get(c).text(), widths[c]);
            String padding = " ".repeat(widths[c] - text.length());
            boolean last = c == cells.size() - 1;
            String padded = columns.get(c).rightAligned() ? padding + text : text + (last ? "" : padding);
            line.append(cells.get(c).paint().apply(padded));
            if (!last) {
                line.append(GAP);
            }
        }
        return line.toString().stripTrailing();
    }

    static String ellipsize(String text, int width) {
        if (text.length() <= width) {
            return text;
        }
        return width <= 3 ? text.substring(0, width) : text.substring(0, width - 3) + "...";
    }
}
