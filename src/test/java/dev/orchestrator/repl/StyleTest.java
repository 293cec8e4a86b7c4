package dev.orchestrator.repl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

class StyleTest {
    private static Terminal terminal(String type) throws IOException {
        return TerminalBuilder.builder()
                .system(false)
                .type(type)
                .encoding(StandardCharsets.UTF_8)
                .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream())
                .build();
    }

    @Test
    void capableTerminal_getsColourAndUnicode() throws IOException {
        try (Terminal terminal = terminal("xterm-256color")) {
            Style style = Style.of(terminal, Map.of());
            assertThat(style).isEqualTo(new Style(true, true));
            assertThat(style.green("ok")).contains("\u001b[");
        }
    }

    @Test
    void noColor_turnsColourOffButKeepsUnicode() throws IOException {
        try (Terminal terminal = terminal("xterm-256color")) {
            assertThat(Style.of(terminal, Map.of("NO_COLOR", "1"))).isEqualTo(new Style(false, true));
        }
    }

    @Test
    void dumbTerminal_isPlainText() throws IOException {
        try (Terminal terminal = terminal(Terminal.TYPE_DUMB)) {
            Style style = Style.of(terminal, Map.of());
            assertThat(style).isEqualTo(Style.PLAIN);
            assertThat(style.green("ok")).isEqualTo("ok");
            assertThat(style.promptMark()).isEqualTo(">");
        }
    }
}
