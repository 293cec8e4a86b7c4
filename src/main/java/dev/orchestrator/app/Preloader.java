package dev.orchestrator.app;

/**
 * Shortens the time to the first prompt on a two-core machine: while the main thread reads the
 * flags and the configuration, a background thread loads and initialises the heavy classes the
 * session needs next (SQLite's native library, jOOQ's query renderer, JLine, Logback). It opens
 * no file and touches no database, so a configuration error still leaves the database untouched.
 * Logging is pointed at its file before this starts, in case a library logs while loading.
 */
final class Preloader {
    private static final String[] CLASSES = {
        "org.sqlite.JDBC",
        "org.sqlite.core.NativeDB",
        "org.jooq.impl.DSL",
        "org.jooq.impl.DefaultRenderContext",
        "org.jooq.impl.SelectQueryImpl",
        "org.jooq.impl.DefaultDSLContext",
        "dev.orchestrator.store.generated.Tables",
        "org.jline.terminal.TerminalBuilder",
        "org.jline.reader.impl.LineReaderImpl",
        "org.jline.reader.impl.history.DefaultHistory",
        "ch.qos.logback.classic.LoggerContext",
        "ch.qos.logback.core.rolling.RollingFileAppender",
        "ch.qos.logback.classic.PatternLayout",
        "tools.jackson.databind.json.JsonMapper",
        // what a resume needs first when it adopts an agent that kept working
        "dev.orchestrator.process.AgentRunner",
        "dev.orchestrator.process.AgentProcess",
        "dev.orchestrator.agent.claude.StreamJson",
        "dev.orchestrator.agent.codex.CodexEvents",
    };

    private Preloader() {}

    static void start() {
        Thread.ofPlatform().daemon().name("preload").start(Preloader::load);
    }

    private static void load() {
        ClassLoader loader = Preloader.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // only a head start: the class will be loaded when it is needed, or fail there clearly
            }
        }
        try {
            org.sqlite.SQLiteJDBCLoader.initialize();
        } catch (Exception | LinkageError e) {
            // the database open reports this failure properly
        }
    }
}
