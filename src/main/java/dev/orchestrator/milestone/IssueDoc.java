package dev.orchestrator.milestone;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One issue document: a Markdown file whose YAML front matter names its milestone.
 *
 * @param id the front matter's id field, else the file name without its extension
 * @param title the front matter's title field, else the body's first {@code # heading}, else the id
 * @param body the text after the front matter
 * @param milestone the front matter's milestone field as text (a YAML number reads as written), if set
 * @param dependsOn the ids of the issues this one depends on, in the order written, without repeats
 * @param path the file, relative to the repository root
 */
public record IssueDoc(
        String id, String title, String body, Optional<String> milestone, List<String> dependsOn, Path path) {
    public IssueDoc {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an issue needs an id (" + path + ")");
        }
        if (path == null || path.isAbsolute()) {
            throw new IllegalArgumentException("an issue's path must be relative to the repository: " + path);
        }
        dependsOn = List.copyOf(dependsOn);
    }

    /** Whether this issue belongs to {@code milestone}. */
    public boolean in(String milestone) {
        return this.milestone.filter(milestone::equals).isPresent();
    }
}
