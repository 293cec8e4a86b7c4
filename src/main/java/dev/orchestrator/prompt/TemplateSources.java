package dev.orchestrator.prompt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a template's text: the person's override directory first, then the built-in templates
 * packaged under {@code /prompts} on the classpath. Immutable; safe from any thread.
 */
final class TemplateSources {
    /** Relative paths of plain segments: no {@code ..}, no leading dot, no extension. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");

    private static final String BUILT_IN_ROOT = "/prompts/";
    private static final String INDEX = "index.txt";
    private static final String EXTENSION = ".md";

    private final Optional<Path> overrideDir;
    private final List<String> builtInNames;

    TemplateSources(Optional<Path> overrideDir) {
        this.overrideDir = overrideDir.map(dir -> dir.toAbsolutePath().normalize());
        this.builtInNames = readIndex();
    }

    Optional<Path> overrideDir() {
        return overrideDir;
    }

    /** The built-in templates, in the order of {@code prompts/index.txt}. */
    List<String> builtInNames() {
        return builtInNames;
    }

    /** The override if there is one, else the built-in template; a {@link PromptException} when neither exists. */
    TemplateSource load(String name) {
        if (!NAME.matcher(name).matches() || name.endsWith(EXTENSION)) {
            throw new PromptException(
                    "'" + name + "' is not a prompt template name",
                    "Template names are relative paths without .md, such as implement/develop or common/contract.");
        }
        Optional<Path> override = overrideDir.map(dir -> dir.resolve(name + EXTENSION));
        if (override.isPresent() && Files.isRegularFile(override.get())) {
            return new TemplateSource(name, readOverride(override.get()), override);
        }
        String builtIn = readBuiltIn(name);
        if (builtIn == null) {
            String where = override.map(file -> "neither " + file + " nor the built-in prompts/" + name + EXTENSION)
                    .orElse("no built-in prompts/" + name + EXTENSION);
            throw new PromptException(
                    "no prompt template '" + name + "': there is " + where,
                    "Check the name where it is used (a {{> " + name
                            + "}} tag includes a partial). Built-in templates: " + String.join(", ", builtInNames)
                            + ".");
        }
        return new TemplateSource(name, builtIn, Optional.empty());
    }

    /** What the person does about a problem in this template. */
    String advice(TemplateSource source) {
        if (source.overrideFile().isPresent()) {
            return "Fix the template in " + overrideDir.orElseThrow()
                    + " (prompts.dir) or delete it to use the built-in one.";
        }
        return "Built-in templates ship with Orchestrator, so this is a bug in Orchestrator"
                + " (in the template or in the values passed to it); please report it with this message.";
    }

    /** Every regular file under the override directory, hidden files and folders excluded, sorted. */
    List<Path> overrideFiles() {
        Path dir = overrideDir.orElseThrow();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !isHidden(dir.relativize(file)))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new PromptException(
                    "cannot list the prompt overrides in " + dir + ": " + e.getMessage(),
                    "Make the directory readable, or remove prompts.dir from the configuration.");
        }
    }

    /** The template name of an override file ({@code implement/develop}), or empty when it is not a template. */
    Optional<String> nameOf(Path overrideFile) {
        String relative =
                overrideDir.orElseThrow().relativize(overrideFile).toString().replace('\\', '/');
        if (!relative.endsWith(EXTENSION)) {
            return Optional.empty();
        }
        String name = relative.substring(0, relative.length() - EXTENSION.length());
        return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private String readOverride(Path file) {
        try {
            return normalise(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PromptException(
                    "cannot read the prompt override " + file + ": " + e,
                    "Make it a readable UTF-8 file, or delete it to use the built-in one.");
        }
    }

    private static String readBuiltIn(String name) {
        try (InputStream in = TemplateSources.class.getResourceAsStream(BUILT_IN_ROOT + name + EXTENSION)) {
            return in == null ? null : normalise(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in prompts/" + name + EXTENSION, e);
        }
    }

    /** An editor's byte-order mark or Windows line endings would otherwise reach the agent. */
    private static String normalise(String text) {
        String unmarked = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return unmarked.replace("\r\n", "\n");
    }

    private static List<String> readIndex() {
        InputStream in = TemplateSources.class.getResourceAsStream(BUILT_IN_ROOT + INDEX);
        if (in == null) {
            throw new IllegalStateException("the built-in prompts/" + INDEX + " is missing from the classpath");
        }
        List<String> names = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in prompts/" + INDEX, e);
        }
        return List.copyOf(names);
    }
}
