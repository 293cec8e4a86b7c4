package dev.orchestrator.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where prompt templates come from ({@code prompts}).
 *
 * @param dir a folder whose templates replace the built-in ones with the same relative path
 */
public record PromptsConfig(Optional<Path> dir) {
    public PromptsConfig {
        dir = dir == null ? Optional.empty() : dir;
    }
}
