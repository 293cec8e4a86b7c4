package dev.orchestrator.project;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlugsTest {
    @Test
    void of_lowercasesAndJoinsWordsWithSingleDashes() {
        assertThat(Slugs.of("  My Todo   App!! ")).isEqualTo("my-todo-app");
        assertThat(Slugs.of("Café déjà-vu")).isEqualTo("cafe-deja-vu");
        assertThat(Slugs.of("Bob's shop")).isEqualTo("bobs-shop");
        assertThat(Slugs.of("!!!")).isEmpty();
    }

    @Test
    void of_cutsLongTextAtAWordBoundary() {
        String slug = Slugs.of("a very long project name that goes on and on well past any sensible length");
        assertThat(slug).hasSizeLessThanOrEqualTo(Slugs.MAX_LENGTH).doesNotEndWith("-");
    }

    @Test
    void suggest_keepsTheFirstMeaningfulWords() {
        assertThat(Slugs.suggest("Build me a CLI todo app with tags and due dates"))
                .isEqualTo("cli-todo-tags-due");
        assertThat(Slugs.suggest("please make a weather dashboard")).isEqualTo("weather-dashboard");
    }

    @Test
    void suggest_fallsBackWhenNothingMeaningfulIsLeft() {
        assertThat(Slugs.suggest("build me an app")).isEqualTo("build-me-an-app");
        assertThat(Slugs.suggest("???")).isEqualTo("project");
    }
}
