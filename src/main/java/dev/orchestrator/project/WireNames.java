package dev.orchestrator.project;

import java.util.Locale;

/** Statuses are stored and shown as their constant's name in lower case: {@code NOT_STARTED} → {@code not_started}. */
final class WireNames {
    private WireNames() {}

    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant stored as {@code name}; an unknown one means a newer version wrote it. */
    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (of(constant).equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(
                "unknown " + type.getSimpleName() + " '" + name + "' (written by a newer Orchestrator?)");
    }
}
