package dev.orchestrator.repl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jline.utils.Levenshtein;

/** Every slash command, by name and alias. */
final class Commands {
    private final List<Command> commands;
    private final Map<String, Command> byName = new LinkedHashMap<>();

    Commands(List<Command> commands) {
        this.commands = List.copyOf(commands);
        for (Command command : commands) {
            byName.put(command.spec().name(), command);
            command.spec().aliases().forEach(alias -> byName.put(alias, command));
        }
    }

    /** The commands in the order help lists them. */
    List<Command> all() {
        return commands;
    }

    Optional<Command> find(String name) {
        return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The known names closest to a mistyped one, best first. */
    List<String> nearest(String typed) {
        String wanted = typed.toLowerCase(Locale.ROOT);
        List<String> near = new ArrayList<>();
        int best = Integer.MAX_VALUE;
        for (String name : byName.keySet()) {
            int distance = name.startsWith(wanted) && !wanted.isEmpty() ? 0 : Levenshtein.distance(name, wanted);
            if (distance < best) {
                best = distance;
                near.clear();
            }
            if (distance == best) {
                near.add(byName.get(name).spec().name());
            }
        }
        return best <= Math.max(2, wanted.length() / 3)
                ? near.stream().distinct().toList()
                : List.of();
    }
}
