package dev.orchestrator.project;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Folder-safe names: lower-case letters, digits and single dashes. */
public final class Slugs {
    /** The longest slug, so that workspace paths stay readable. */
    public static final int MAX_LENGTH = 40;

    private static final Set<String> FILLER = Set.of(
            "a",
            "an",
            "the",
            "me",
            "my",
            "i",
            "we",
            "us",
            "our",
            "you",
            "your",
            "please",
            "build",
            "create",
            "make",
            "write",
            "develop",
            "implement",
            "want",
            "need",
            "would",
            "like",
            "to",
            "that",
            "which",
            "with",
            "for",
            "and",
            "or",
            "of",
            "in",
            "on",
            "at",
            "by",
            "from",
            "it",
            "its",
            "is",
            "are",
            "be",
            "can",
            "could",
            "should",
            "some",
            "simple",
            "small",
            "new",
            "app",
            "application",
            "using",
            "use",
            "lets",
            "let",
            "so",
            "this");

    private Slugs() {}

    /** The slug of any text: {@code "My Todo App!"} → {@code my-todo-app}; empty when nothing is left. */
    public static String of(String text) {
        return String.join("-", words(text)).transform(Slugs::truncate);
    }

    /** A short name for a project from its idea: the first few words that carry meaning. */
    public static String suggest(String idea) {
        List<String> words = words(idea);
        List<String> meaningful = new ArrayList<>();
        for (String word : words) {
            if (!FILLER.contains(word) && meaningful.size() < 4) {
                meaningful.add(word);
            }
        }
        String slug = truncate(String.join("-", meaningful.isEmpty() ? words : meaningful));
        return slug.isEmpty() ? "project" : slug;
    }

    private static List<String> words(String text) {
        String ascii = Normalizer.normalize(text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}+", "")
                .toLowerCase(Locale.ROOT)
                .replace("'", "");
        List<String> words = new ArrayList<>();
        for (String word : ascii.split("[^a-z0-9]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static String truncate(String slug) {
        if (slug.length() <= MAX_LENGTH) {
            return slug;
        }
        int cut = slug.lastIndexOf('-', MAX_LENGTH);
        return (cut > 0 ? slug.substring(0, cut) : slug.substring(0, MAX_LENGTH));
    }
}
