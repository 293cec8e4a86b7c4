package dev.orchestrator.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Which agent works in a folder (a worktree, a project's main checkout), so that no second agent
 * starts there while an earlier one may still be alive: {@code <folder>/.orchestrator/agent.lock}
 * holds the agent's pid and start time, its call's token, what it is doing, and the Orchestrator
 * process that started it. The lock outlives Orchestrator with the agent; it is stale (and taken
 * over) once neither the agent nor, before the agent's pid was written, its Orchestrator runs.
 *
 * <p>A lock belongs to the thread that took it until it is {@link #close closed}.
 */
public final class AgentLock implements AutoCloseable {
    static final String FILE = ".orchestrator/agent.lock";

    private final Path file;
    private final Holder holder;
    private volatile Holder current;

    /** Who holds a lock. */
    public record Holder(
            String token,
            String what,
            long ownerPid,
            Optional<String> ownerIdentity,
            long agentPid,
            Optional<String> agentIdentity,
            Optional<Instant> agentStart,
            Instant since) {
        public Holder {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(ownerIdentity, "ownerIdentity");
            Objects.requireNonNull(agentIdentity, "agentIdentity");
            Objects.requireNonNull(agentStart, "agentStart");
            Objects.requireNonNull(since, "since");
        }

        /** Whether the holder may still be working: its agent runs, or, before its pid was written, its Orchestrator does. */
        boolean alive() {
            if (agentPid > 0) {
                return new AgentProcess(agentPid, agentStart, agentIdentity, token, Path.of("")).running();
            }
            return ProcessHandle.of(ownerPid)
                            .filter(ProcessTree::isRunning)
                            .filter(h -> ownerIdentity.isEmpty()
                                    || ProcessTree.identity(ownerPid)
                                            .map(ownerIdentity.get()::equals)
                                            .orElse(true))
                            .isPresent()
                    || AgentProcess.withToken(token).isPresent();
        }

        /** For a person: {@code W1 developer (call 17), pid 4242, started 12:03:04}. */
        public String describe() {
            return what
                    + (agentPid > 0
                            ? ", pid " + agentPid
                                    + agentStart.map(at -> ", started " + at).orElse("")
                            : ", being started by Orchestrator pid " + ownerPid);
        }

        private Holder withAgent(AgentProcess agent) {
            return new Holder(
                    token, what, ownerPid, ownerIdentity, agent.pid(), agent.identity(), agent.startedAt(), since);
        }

        private Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("token", token);
            fields.put("what", what.replace('\n', ' '));
            fields.put("owner_pid", Long.toString(ownerPid));
            ownerIdentity.ifPresent(id -> fields.put("owner_identity", id));
            fields.put("agent_pid", Long.toString(agentPid));
            agentIdentity.ifPresent(id -> fields.put("agent_identity", id));
            agentStart.ifPresent(at -> fields.put("agent_start", at.toString()));
            fields.put("since", since.toString());
            return fields;
        }

        private static Optional<Holder> parse(String text) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    fields.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            try {
                return Optional.of(new Holder(
                        Objects.requireNonNull(fields.get("token")),
                        fields.getOrDefault("what", "an agent"),
                        Long.parseLong(fields.getOrDefault("owner_pid", "0")),
                        Optional.ofNullable(fields.get("owner_identity")),
                        Long.parseLong(fields.getOrDefault("agent_pid", "0")),
                        Optional.ofNullable(fields.get("agent_identity")),
                        Optional.ofNullable(fields.get("agent_start")).map(Instant::parse),
                        Optional.ofNullable(fields.get("since"))
                                .map(Instant::parse)
                                .orElse(Instant.EPOCH)));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether a lock was taken, or who holds it. */
    public sealed interface Taking {
        record Taken(AgentLock lock) implements Taking {}

        record Held(Holder holder, Path file) implements Taking {}
    }

    private AgentLock(Path file, Holder holder) {
        this.file = file;
        this.holder = holder;
        this.current = holder;
    }

    /** The lock file of a folder. */
    public static Path file(Path folder) {
        return folder.resolve(FILE);
    }

    /**
     * Takes the folder's lock for a new agent, unless a live holder has it. A lock held under the
     * same token (an adopted call's own lock, left by the Orchestrator that started it) is taken
     * over.
     *
     * @param what what the agent is doing, for whoever finds the lock held
     * @throws CommandException when the lock file cannot be written
     */
    public static Taking take(Path folder, String token, String what) {
        Path file = file(folder);
        ProcessHandle self = ProcessHandle.current();
        Holder mine = new Holder(
                token,
                what,
                self.pid(),
                ProcessTree.identity(self.pid()),
                0,
                Optional.empty(),
                Optional.empty(),
                Instant.now());
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Files.createDirectories(file.getParent());
                Path written = writeBeside(file, mine);
                try {
                    // link() refuses an existing name atomically: two takers cannot both win
                    Files.createLink(file, written);
                    return new Taking.Taken(new AgentLock(file, mine));
                } catch (FileAlreadyExistsException e) {
                    // held, or stale: look below
                } finally {
                    Files.deleteIfExists(written);
                }
                Optional<String> text = read(file);
                if (text.isEmpty()) {
                    continue; // removed meanwhile
                }
                Optional<Holder> holder = Holder.parse(text.get());
                if (holder.isPresent() && holder.get().token().equals(token)) {
                    AgentLock lock = new AgentLock(file, holder.get());
                    lock.write(holder.get());
                    return new Taking.Taken(lock);
                }
                if (holder.isPresent() && holder.get().alive()) {
                    return new Taking.Held(holder.get(), file);
                }
                // stale (or unreadable): remove it, unless someone replaced it meanwhile
                if (read(file).equals(text)) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new CommandException(
                        "cannot write the agent lock " + file + " (" + e.getMessage()
                                + "). Check that the folder is writable and has free space.",
                        e);
            }
        }
        return read(file)
                .flatMap(Holder::parse)
                .<Taking>map(h -> new Taking.Held(h, file))
                .orElseThrow(() -> new CommandException("cannot take the agent lock " + file
                        + ": it keeps changing under Orchestrator. Is another Orchestrator working in " + folder
                        + "?"));
    }

    /** Records the agent's process in the lock, once it has started. */
    public void started(AgentProcess agent) {
        Holder updated = current.withAgent(agent);
        try {
            write(updated);
        } catch (IOException e) {
            throw new CommandException("cannot update the agent lock " + file + " (" + e.getMessage() + ").", e);
        }
    }

    /** Removes the lock, if it is still this holder's. */
    @Override
    public void close() {
        try {
            Optional<Holder> now = read(file).flatMap(Holder::parse);
            if (now.isPresent() && now.get().token().equals(holder.token())) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(AgentLock.class)
                    .warn("cannot remove the agent lock {}: {}", file, e.toString());
        }
    }

    private void write(Holder holder) throws IOException {
        Path written = writeBeside(file, holder);
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        current = holder;
    }

    private static Path writeBeside(Path file, Holder holder) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        StringBuilder text = new StringBuilder();
        holder.fields().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        // java.io, not NIO: a channel refuses to work on an interrupted thread, and locks are released then
        try (java.io.OutputStream out = new java.io.FileOutputStream(temporary.toFile())) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        return temporary;
    }

    private static Optional<String> read(Path file) {
        try (java.io.InputStream in = new java.io.FileInputStream(file.toFile())) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException e) {
            return Files.exists(file) ? Optional.of("") : Optional.empty();
        } catch (IOException e) {
            return Optional.of("");
        }
    }
}
