package dev.orchestrator.prompt;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The text of one template and where it came from, so that every message can name the file.
 *
 * @param name the template name, {@code implement/develop}
 * @param text the Mustache source
 * @param overrideFile the person's file that replaced the built-in template, if any
 */
record TemplateSource(String name, String text, Optional<Path> overrideFile) {

    TemplateSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(overrideFile, "overrideFile");
    }

    /** {@code override /home/me/prompts/implement/develop.md} or {@code built-in prompts/implement/develop.md}. */
    String describe() {
        return overrideFile.map(file -> "override " + file).orElse("built-in prompts/" + name + ".md");
    }

    /** A problem at a line of this file, counting from 1. */
    String at(int line, String problem) {
        return describe() + ", line " + line + ": " + problem;
    }

    /** A problem with this file as a whole. */
    String at(String problem) {
        return describe() + ": " + problem;
    }

    /** The text of a line, counting from 1; empty when there is no such line. */
    String line(int number) {
        String[] lines = text.split("\n", -1);
        return number >= 1 && number <= lines.length ? lines[number - 1] : "";
    }

    /** The line, counting from 1, that holds the character at this index. */
    int lineAt(int index) {
        int line = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
