package dev.orchestrator.repl;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;

/**
 * What the terminal can show: colour only on a capable terminal and never with {@code NO_COLOR};
 * Unicode symbols only where the terminal speaks UTF-8 and is not dumb.
 */
public record Style(boolean color, boolean unicode) {

    /** Plain text, for dumb terminals, pipes and {@code NO_COLOR}. */
    public static final Style PLAIN = new Style(false, false);

    public static Style of(Terminal terminal, Map<String, String> environment) {
        boolean dumb = isDumb(terminal);
        boolean noColor = environment.containsKey("NO_COLOR")
                && !environment.get("NO_COLOR").isEmpty();
        Integer colors = terminal.getNumericCapability(InfoCmp.Capability.max_colors);
        boolean color = !dumb && !noColor && colors != null && colors >= 8;
        boolean unicode = !dumb && StandardCharsets.UTF_8.equals(terminal.encoding());
        return new Style(color, unicode);
    }

    static boolean isDumb(Terminal terminal) {
        String type = terminal.getType();
        return type == null || type.startsWith(Terminal.TYPE_DUMB);
    }

    public String bold(String text) {
        return apply(text, AttributedStyle.BOLD);
    }

    public String dim(String text) {
        return apply(text, AttributedStyle.DEFAULT.faint());
    }

    public String green(String text) {
        return apply(text, AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN));
    }

    public String yellow(String text) {
        return apply(text, AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW));
    }

    public String red(String text) {
        return apply(text, AttributedStyle.DEFAULT.foreground(AttributedStyle.RED));
    }

    public String cyan(String text) {
        return apply(text, AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN));
    }

    /** The prompt marker. */
    public String promptMark() {
        return unicode ? "›" : ">";
    }

    /** A line reporting something done: a green tick first where the terminal shows one. */
    public String success(String text) {
        return unicode ? green("✓") + " " + text : text;
    }

    /** The start of an error line. */
    public String errorMark() {
        return unicode ? red("✗") : "error:";
    }

    public String dot() {
        return unicode ? "·" : "-";
    }

    public String dash() {
        return unicode ? "—" : "-";
    }

    private String apply(String text, AttributedStyle style) {
        return color ? new AttributedString(text, style).toAnsi() : text;
    }
}
