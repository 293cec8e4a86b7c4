package dev.orchestrator.config;

import java.nio.file.Path;

/** Where a configuration value came from, so that errors can send the person to the right place. */
public sealed interface ConfigSource {

    /** A phrase naming the place, for messages: {@code /home/ann/.orchestrator/config.yaml, line 4}. */
    String describe(String pointer);

    /** The defaults packaged with Orchestrator (config/orchestrator.yaml). */
    record Defaults() implements ConfigSource {
        @Override
        public String describe(String pointer) {
            return "the built-in defaults";
        }
    }

    /** A YAML file; {@code lines} maps a JSON pointer to the line that set it. */
    record File(Path path, java.util.Map<String, Integer> lines) implements ConfigSource {
        public File {
            lines = java.util.Map.copyOf(lines);
        }

        @Override
        public String describe(String pointer) {
            Integer line = lineOf(pointer);
            return line == null ? path.toString() : path + ", line " + line;
        }

        /** The line of the closest enclosing key that has one. */
        Integer lineOf(String pointer) {
            for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
                Integer line = lines.get(p);
                if (line != null || p.isEmpty()) {
                    return line;
                }
            }
        }
    }

    /** An {@code ORCHESTRATOR_*} environment variable. */
    record Environment(String variable) implements ConfigSource {
        @Override
        public String describe(String pointer) {
            return "environment variable " + variable;
        }
    }

    /** A command-line flag. */
    record Flag(String flag) implements ConfigSource {
        @Override
        public String describe(String pointer) {
            return "command-line flag " + flag;
        }
    }
}
