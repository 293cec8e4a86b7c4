package dev.orchestrator.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptOverridesTest {
    @TempDir
    Path dir;

    private Prompts prompts() {
        return new Prompts(Optional.of(dir));
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static Map<String, Object> context(String template) {
        return Contexts.full(Contexts.SPECS.stream()
                .filter(spec -> spec.template().equals(template))
                .findFirst()
                .orElseThrow());
    }

    @Test
    void override_winsAndTheOtherTemplatesStayBuiltIn() throws IOException {
        write("implement/develop.md", "Build {{item.key}} <now> & \"well\".\n");
        Prompts prompts = prompts();

        assertThat(prompts.render("implement/develop", context("implement/develop")))
                .isEqualTo("Build W2 <now> & \"well\".\n");
        assertThat(prompts.render("implement/review", context("implement/review")))
                .startsWith("# Review W2: Search recipes by ingredient");
    }

    @Test
    void override_writtenWithAByteOrderMarkAndWindowsLineEndings_rendersPlainLines() throws IOException {
        write(
                "implement/develop.md",
                "\uFEFFBuild {{item.key}}.\r\n{{#item.acceptance}}\r\n- {{.}}\r\n{{/item.acceptance}}\r\n");

        assertThat(prompts().render("implement/develop", context("implement/develop")))
                .isEqualTo(
                        "Build W2.\n- GET /recipes?q=egg returns only recipes with eggs\n- An empty q returns 400\n");
    }

    @Test
    void partialOverride_isUsedByBuiltInTemplates() throws IOException {
        write("common/contract.md", "\nAnswer with one ```json block: {{contract.id}}.\n");

        String develop = prompts().render("implement/develop", context("implement/develop"));

        assertThat(develop)
                .endsWith("\nAnswer with one ```json block: dev_result.v1.\n")
                .doesNotContain("## Answer format");
    }

    @Test
    void overrideMayIncludeItsOwnPartials() throws IOException {
        write("implement/develop.md", "Do {{item.key}}.\n{{> mine/house-rules}}\n");
        write("mine/house-rules.md", "Use tabs.\n");

        assertThat(prompts().render("implement/develop", context("implement/develop")))
                .isEqualTo("Do W2.\nUse tabs.\n");
    }

    @Test
    void overrideWithASyntaxError_namesTheFileLineAndWhatToDo() throws IOException {
        Path file = write("implement/review.md", "# Review\n\n{{#item.acceptance}}\n- {{.}}\n");

        assertThatThrownBy(() -> prompts().render("implement/review", context("implement/review")))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith("override " + file + ", line 3: Section missing close tag 'item.acceptance'")
                .hasMessageEndingWith(
                        "Fix the template in " + dir + " (prompts.dir) or delete it to use the built-in one.");
    }

    @Test
    void overrideWithAnUnknownVariable_namesTheFileLineAndVariable() throws IOException {
        Path file = write("implement/develop.md", "# {{item.key}}\n\nFix {{item.tittle}} now.\n");

        assertThatThrownBy(() -> prompts().render("implement/develop", context("implement/develop")))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith("override " + file + ", line 3: variable {{item.tittle}} has no value")
                .hasMessageContaining("delete it to use the built-in one");
    }

    @Test
    void overrideWithAnUnclosedTag_isAnErrorNotText() throws IOException {
        Path file = write("implement/develop.md", "# {{item.key}}\n\nTitle: {{item.title}\n");

        assertThatThrownBy(() -> prompts().render("implement/develop", context("implement/develop")))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith("override " + file + ", line 3: '{{item.title}' is not a tag");
    }

    @Test
    void brokenPartialOverride_isNamedRatherThanItsIncluder() throws IOException {
        Path partial = write("common/contract.md", "\n## Format\n\nAnswer with {{contract.ident}}.\n");
        Path broken = write("common/context.md", "{{#feedback}}\n");

        assertThatThrownBy(() -> prompts().render("implement/develop", context("implement/develop")))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith("override " + broken + ", line 1: Section missing close tag 'feedback'");
        Files.delete(broken);
        assertThatThrownBy(() -> prompts().render("implement/develop", context("implement/develop")))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith("override " + partial + ", line 4: variable {{contract.ident}} has no value");
    }

    @Test
    void partialsIncludingEachOtherWithoutEnd_areReportedNotACrash() throws IOException {
        Path context = write("common/context.md", "Context.\n{{> mine/loop}}\n");
        write("mine/loop.md", "Loop.\n{{> common/context}}\n");

        assertThatThrownBy(() -> prompts().render("implement/develop", context("implement/develop")))
                .isInstanceOf(PromptException.class)
                .hasMessageStartingWith("override " + context
                        + ": partials include each other without end: implement/develop > common/context > mine/loop"
                        + " > common/context")
                .hasMessageContaining("delete it to use the built-in one");
    }

    @Test
    void missingPartial_namesIt() throws IOException {
        write("implement/develop.md", "{{> common/house-rules}}\n");

        assertThatThrownBy(() -> prompts().render("implement/develop", context("implement/develop")))
                .isInstanceOf(PromptException.class)
                .hasMessageContaining("no prompt template 'common/house-rules': there is neither "
                        + dir.resolve("common/house-rules.md") + " nor the built-in prompts/common/house-rules.md");
    }

    @Test
    void validateOverrides_withoutADirectory_hasNothingToSay() {
        assertThat(new Prompts(Optional.empty()).validateOverrides()).isEmpty();
    }

    @Test
    void validateOverrides_refusesADirectoryThatDoesNotExist() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> new Prompts(Optional.of(missing)).validateOverrides())
                .isInstanceOf(PromptException.class)
                .hasMessageContaining(missing + " (prompts.dir) is not a directory");
    }

    @Test
    void validateOverrides_acceptsCopiesOfEveryBuiltInTemplate() throws IOException {
        for (String name : prompts().templateNames()) {
            try (InputStream in = Prompts.class.getResourceAsStream("/prompts/" + name + ".md")) {
                write(name + ".md", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        write("README.md", "copied documentation\n");
        write("index.txt", "copied index\n");

        assertThat(prompts().validateOverrides()).isEmpty();
    }

    @Test
    void validateOverrides_reportsEveryBrokenFileAtOnce() throws IOException {
        Path syntax = write("implement/review.md", "{{#item.acceptance}}\n- {{.}}\n");
        Path variable = write("implement/fix.md", "Fix {{item.key}}.\nRound {{cycles}}.\n");
        Path section = write("test/fix.md", "Run {{test.command}}.\n{{#feedbak}}\n{{feedbak}}\n{{/feedbak}}\n");
        write("implement/develop.md", "Fine: {{item.key}}.\n");

        assertThatThrownBy(() -> prompts().validateOverrides())
                .isInstanceOf(PromptException.class)
                .satisfies(e -> assertThat(((PromptException) e).problems())
                        .containsExactlyInAnyOrder(
                                "override " + syntax + ", line 1: Section missing close tag 'item.acceptance'",
                                "override " + variable + ", line 2: variable {{cycles}} has no value: it is not in the"
                                        + " context (misspelt?) or it is null. Use an optional variable only inside a"
                                        + " section over it: {{#cycles}}…{{/cycles}}",
                                "override " + section + ", line 2: section {{#feedbak}} is over 'feedbak', which is not"
                                        + " a context variable (see the list in prompts/README.md)"))
                .hasMessageStartingWith("prompt templates cannot be used:")
                .hasMessageEndingWith(
                        "Fix the templates in " + dir + " (prompts.dir) or delete them to use the built-in ones.");
    }

    @Test
    void validateOverrides_warnsAboutFilesThatAreNeverUsed() throws IOException {
        write("implement/develop.md", "Do {{item.key}}.\n{{> mine/rules}}\n");
        write("mine/rules.md", "Use tabs.\n");
        Path stray = write("implement/deploy.md", "Deploy.\n");
        Path notes = write("notes.txt", "my notes\n");
        write(".git/config", "[core]\n");

        List<String> warnings = prompts().validateOverrides();

        assertThat(warnings)
                .containsExactlyInAnyOrder(
                        stray + " is never used: no built-in template is called implement/deploy and no template"
                                + " includes it; built-in templates: "
                                + String.join(", ", prompts().templateNames()),
                        notes + " is ignored: templates are .md files named like implement/develop.md");
    }
}
