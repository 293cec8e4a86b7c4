package dev.orchestrator.prompt;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a compiled template is made of, for two checks jmustache does not make: an unclosed tag
 * (<code>{{item.key}</code>), which jmustache keeps as text, and a section over a name no context
 * has, which would silently render nothing.
 *
 * @param texts the literal text between tags
 * @param sections the names of normal and inverted sections
 * @param includes the names of the partials (and parents) included, not followed
 */
record Outline(List<String> texts, List<String> sections, List<String> includes) {
    private static final String OPEN = "{{";

    /** Names Mustache resolves itself rather than from the context. */
    private static final Set<String> BUILT_IN_NAMES = Set.of(".", "this", "-first", "-last", "-index");

    Outline {
        texts = List.copyOf(texts);
        sections = List.copyOf(sections);
        includes = List.copyOf(includes);
    }

    static Outline of(Template template) {
        List<String> texts = new ArrayList<>();
        List<String> sections = new ArrayList<>();
        List<String> includes = new ArrayList<>();
        template.visit(new Mustache.Visitor() {
            @Override
            public void visitText(String text) {
                texts.add(text);
            }

            @Override
            public void visitVariable(String name) {}

            @Override
            public boolean visitInclude(String name) {
                includes.add(name);
                return false;
            }

            @Override
            public boolean visitParent(String name) {
                includes.add(name);
                return false;
            }

            @Override
            public boolean visitSection(String name) {
                sections.add(name);
                return true;
            }

            @Override
            public boolean visitInvertedSection(String name) {
                sections.add(name);
                return true;
            }
        });
        return new Outline(texts, sections, includes);
    }

    /** An opening {{ left in the text: a tag that was never closed. */
    List<String> unclosedTags(TemplateSource source) {
        if (changesDelimiters(source)) {
            return List.of(); // with other delimiters, {{ is ordinary text
        }
        List<String> problems = new ArrayList<>();
        for (String text : texts) {
            int open = text.indexOf(OPEN);
            if (open >= 0) {
                String rest = text.substring(open);
                String shown = rest.lines().findFirst().orElse(rest);
                problems.add(source.at(
                        lineOf(source, rest, shown),
                        "'" + shown + "' is not a tag: a tag is {{name}}, with two closing braces"));
            }
        }
        return problems;
    }

    /** Sections over names that appear nowhere in the context, which would silently render nothing. */
    List<String> unknownSections(TemplateSource source, Set<String> knownNames) {
        if (changesDelimiters(source)) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        for (String name : sections) {
            if (!knownNames.contains(name) && !BUILT_IN_NAMES.contains(name)) {
                problems.add(source.at(
                        sectionLine(source, name),
                        "section {{#" + name + "}} is over '" + name
                                + "', which is not a context variable (see the list in prompts/README.md)"));
            }
        }
        return problems;
    }

    private static boolean changesDelimiters(TemplateSource source) {
        return source.text().contains("{{=");
    }

    private static int lineOf(TemplateSource source, String rest, String shown) {
        int index = source.text().indexOf(rest);
        return source.lineAt(index >= 0 ? index : Math.max(0, source.text().indexOf(shown)));
    }

    private static int sectionLine(TemplateSource source, String name) {
        Matcher tag = Pattern.compile("\\{\\{\\s*[#^]\\s*" + Pattern.quote(name) + "\\s*}}")
                .matcher(source.text());
        return tag.find() ? source.lineAt(tag.start()) : 1;
    }
}
