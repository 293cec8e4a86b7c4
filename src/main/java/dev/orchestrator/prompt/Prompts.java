package dev.orchestrator.prompt;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.MustacheParseException;
import com.samskivert.mustache.Template;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the Markdown prompt templates: {@code prompts/<phase>/<name>.md} from the person's
 * override directory when the file is there, else the built-in one. Partials ({@code {{> common/contract}}})
 * are found the same way. Nothing is HTML-escaped.
 *
 * <p>The context rule: a variable tag ({@code {{item.key}}}) needs a value, and a missing or null
 * one is a {@link PromptException}, so a misspelt name cannot render as an empty string. A section
 * ({@code {{#feedback}}…{{/feedback}}}, or inverted with {@code ^}) is skipped when its value is
 * absent, null, false, an empty string or an empty list; optional variables are therefore only
 * used inside a section over them.
 *
 * <p>Thread-safe: compiled templates are immutable and cached for the life of the instance, so an
 * edit to an override file is seen after a restart.
 */
public final class Prompts {
    private static final Pattern PARSE_LINE = Pattern.compile("\\s*@ line (\\d+)$");

    private final TemplateSources sources;
    private final Mustache.Compiler compiler;
    private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

    /** @param overrideDir the directory named by {@code prompts.dir}, whose templates replace the built-in ones */
    public Prompts(Optional<Path> overrideDir) {
        this.sources = new TemplateSources(Objects.requireNonNull(overrideDir, "overrideDir"));
        // No defaultValue or nullValue: jmustache then fails on a variable that is missing or null.
        // strictSections(false) lets a section over an absent value render as empty.
        this.compiler = Mustache.compiler()
                .escapeHTML(false)
                .strictSections(false)
                .emptyStringIsFalse(true)
                .withLoader(this::loadPartial);
    }

    /**
     * The template rendered with this context.
     *
     * @param template the template name without {@code .md}: {@code implement/develop}
     * @param context the variables, see {@code prompts/README.md}: strings, numbers, booleans, lists,
     *     maps and records; {@code phase} and {@code role} as their wire names; an absent value left
     *     out or null, never an {@code Optional}
     * @throws PromptException naming the file and line when the template is missing or fails
     */
    public String render(String template, Map<String, ?> context) {
        Objects.requireNonNull(context, "context");
        Compiled compiled = compiled(Objects.requireNonNull(template, "template"));
        try {
            return compiled.template().execute(context);
        } catch (MustacheException.Context e) {
            TemplateSource source = origin(compiled, e.key, e.lineNo);
            throw new PromptException(source.at(e.lineNo, describe(e)), sources.advice(source));
        } catch (MustacheException e) {
            throw new PromptException(compiled.source().at(e.getMessage()), sources.advice(compiled.source()));
        } catch (StackOverflowError e) {
            List<TemplateSource> cycle = includeCycle(compiled);
            TemplateSource blamed = cycle.stream()
                    .filter(source -> source.overrideFile().isPresent())
                    .findFirst()
                    .orElse(compiled.source());
            String path =
                    String.join(" > ", cycle.stream().map(TemplateSource::name).toList());
            throw new PromptException(
                    blamed.at("partials include each other without end: " + path), sources.advice(blamed));
        }
    }

    /** The built-in templates, partials included, in the order of {@code prompts/index.txt}. */
    public List<String> templateNames() {
        return sources.builtInNames();
    }

    /**
     * Checks every file in the override directory before any project runs: each template must
     * compile, and render with a context holding every variable, and its sections must be over
     * known variables.
     *
     * @return warnings about files that are never used (no built-in template of that name, and no
     *     template includes them)
     * @throws PromptException listing every broken override, each with its file and line
     */
    public List<String> validateOverrides() {
        if (sources.overrideDir().isEmpty()) {
            return List.of();
        }
        Path dir = sources.overrideDir().get();
        if (!Files.isDirectory(dir)) {
            throw new PromptException(
                    "the prompt override directory " + dir + " (prompts.dir) is not a directory",
                    "Create it, or remove prompts.dir from the configuration to use the built-in templates.");
        }
        Set<String> problems = new LinkedHashSet<>(); // a broken partial fails every includer the same way
        List<String> warnings = new ArrayList<>();
        Map<String, Path> overrides = new LinkedHashMap<>();
        for (Path file : sources.overrideFiles()) {
            if (isDocumentation(dir.relativize(file))) {
                continue;
            }
            Optional<String> name = sources.nameOf(file);
            if (name.isPresent()) {
                overrides.put(name.get(), file);
            } else {
                warnings.add(file + " is ignored: templates are .md files named like implement/develop.md");
            }
        }
        Set<String> included = new HashSet<>();
        Set<String> knownNames = SampleContext.names();
        for (String name : overrides.keySet()) {
            try {
                Compiled compiled = compiled(name);
                included.addAll(compiled.includes());
                problems.addAll(Outline.of(compiled.template()).unknownSections(compiled.source(), knownNames));
                if (sources.builtInNames().contains(name)) {
                    render(name, SampleContext.full());
                }
            } catch (PromptException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new PromptException(
                    List.copyOf(problems),
                    "Fix the templates in " + dir + " (prompts.dir) or delete them to use the built-in ones.");
        }
        overrides.forEach((name, file) -> {
            if (!sources.builtInNames().contains(name) && !included.contains(name)) {
                warnings.add(file + " is never used: no built-in template is called " + name
                        + " and no template includes it; built-in templates: "
                        + String.join(", ", sources.builtInNames()));
            }
        });
        return List.copyOf(warnings);
    }

    /** README.md and index.txt at the top are the documentation of a copied prompts folder. */
    private static boolean isDocumentation(Path relative) {
        return relative.getNameCount() == 1
                && (relative.toString().equals("README.md")
                        || relative.toString().equals("index.txt"));
    }

    private Compiled compiled(String name) {
        Compiled cached = cache.get(name);
        if (cached != null) {
            return cached;
        }
        // Not computeIfAbsent: no file is read under the map's lock. Two threads may compile the same
        // template at once; both results are equal and the first stored is kept.
        Compiled fresh = compile(sources.load(name));
        Compiled raced = cache.putIfAbsent(name, fresh);
        return raced != null ? raced : fresh;
    }

    private Compiled compile(TemplateSource source) {
        Template template;
        try {
            template = compiler.compile(source.text());
        } catch (MustacheParseException e) {
            Matcher line = PARSE_LINE.matcher(e.getMessage());
            String problem = line.find()
                    ? source.at(Integer.parseInt(line.group(1)), e.getMessage().substring(0, line.start()))
                    : source.at(e.getMessage());
            throw new PromptException(problem, sources.advice(source));
        }
        Outline outline = Outline.of(template);
        List<String> unclosed = outline.unclosedTags(source);
        if (!unclosed.isEmpty()) {
            throw new PromptException(unclosed, sources.advice(source));
        }
        return new Compiled(source, template, outline.includes());
    }

    /**
     * jmustache loads a partial when it first renders it. Compiling it here first means a broken
     * partial is reported with its own file name rather than the including template's.
     */
    private Reader loadPartial(String name) {
        return new StringReader(compiled(name).source().text());
    }

    /**
     * The file a rendering failure comes from. jmustache reports the line, not the file, and a
     * partial fails inside its includer; the file whose line holds a tag with that name is the one.
     */
    private TemplateSource origin(Compiled root, String key, int line) {
        Deque<Compiled> pending = new ArrayDeque<>(List.of(root));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            Compiled next = pending.removeFirst();
            if (!seen.add(next.source().name())) {
                continue;
            }
            String text = next.source().line(line);
            if (key != null && text.contains("{{") && text.contains(key)) {
                return next.source();
            }
            for (String include : next.includes()) {
                Compiled partial = cache.get(include);
                if (partial != null) {
                    pending.addLast(partial);
                }
            }
        }
        return root.source();
    }

    /** The first chain of includes that leads back to a template already on it, for the message. */
    private List<TemplateSource> includeCycle(Compiled root) {
        List<TemplateSource> path = new ArrayList<>();
        return findCycle(root, path) ? path : List.of(root.source());
    }

    private boolean findCycle(Compiled at, List<TemplateSource> path) {
        boolean repeated = path.stream()
                .anyMatch(source -> source.name().equals(at.source().name()));
        path.add(at.source());
        if (repeated) {
            return true;
        }
        for (String include : at.includes()) {
            Compiled partial = cache.get(include);
            if (partial != null && findCycle(partial, path)) {
                return true;
            }
        }
        path.removeLast();
        return false;
    }

    private static String describe(MustacheException.Context e) {
        if (e.getCause() != null) {
            return "cannot read variable {{" + e.key + "}}: " + e.getCause();
        }
        return "variable {{" + e.key + "}} has no value: it is not in the context (misspelt?) or it is null."
                + " Use an optional variable only inside a section over it: {{#" + e.key + "}}…{{/" + e.key + "}}";
    }

    private record Compiled(TemplateSource source, Template template, List<String> includes) {}
}
