package dev.orchestrator.agent;

import dev.orchestrator.config.AgentBackend;
import dev.orchestrator.contract.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code scripted} backend: replays a script file instead of running a coding agent, so that
 * the whole engine can be tested end to end and people can dry-run their prompts and
 * configuration. It is never the default backend.
 *
 * <h2>Script format</h2>
 *
 * A YAML file; every key is optional, and an empty file is a valid script (see
 * {@code config/scripted-example.yaml}):
 *
 * <pre>{@code
 * delay_ms: 0              # latency of every call
 * calls_log: calls.jsonl   # relative to the script's folder; each completed call appended as one JSON line
 * responses:               # tried in order: the first matching entry answers
 *   - contract: requirements.v1   # matches the task's contract id
 *     role: developer             # analyst architect planner developer reviewer fixer deployer
 *     phase: implement            # ideation architecture task_breakdown initialize implement test deploy
 *     item: W2                    # the task's work item key
 *     prompt_contains: "text"     # the task's prompt contains this text (e.g. a swarm member's focus)
 *     times: 1                    # answers its first N matches only, then is passed over
 *     json: {...}                 # the document: the reply is a line of prose and a fenced json block of it
 *     reply: "raw text"           # or the whole reply text as is (garbage, to test repair); not with json
 *     files: {"src/app.py": "print('hi')\n"}  # written in the task's folder first; paths may not leave it
 *     delay_ms: 200               # latency of this call
 *     fail: {class: rate_limit, message: "...", retry_after_ms: 500}  # a failure of this error class
 *     usage: {input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: 0.01}
 * }</pre>
 *
 * <p>A call no entry matches, or whose entry has neither {@code json} nor {@code reply}, gets the
 * built-in answer: for a contract task a small valid document of that contract (the
 * {@code dev_result.v1} one writes {@code scripted/<item or phase>.txt}, or names the entry's
 * {@code files} when it has some), otherwise a short line of text. A {@code json} document is sent
 * as it is, even when it does not fit the contract. A delay longer than the task's timeout ends
 * the call at the timeout with a {@code timeout} failure.
 *
 * <p>Sessions are {@code scripted-<n>}, counted per instance; a task that continues a session keeps
 * its id. The {@code times} counts are per instance too, and a call that is interrupted gives its
 * match back. Calls log lines have the fields {@code seq} (this process's n-th completed call),
 * {@code at}, {@code role}, {@code phase}, {@code item}, {@code contract}, {@code session_id},
 * {@code continued}, {@code outcome} ({@code success} or the error class), {@code prompt} and
 * {@code pid}; an interrupted call is not logged.
 *
 * <p>Safe for many projects calling at once: the script is immutable and the counters atomic.
 */
public final class ScriptedAgent implements Agent {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Script script;
    private final List<AtomicInteger> used;
    private final AtomicLong sessions = new AtomicLong();
    private final Optional<CallsLog> callsLog;

    /**
     * Loads and checks the script.
     *
     * @throws ScriptException naming the file, and the line and problem of each mistake
     */
    public ScriptedAgent(Path script) {
        this.script = ScriptParser.parse(script);
        this.used =
                this.script.responses().stream().map(e -> new AtomicInteger()).toList();
        this.callsLog = this.script.callsLog().map(file -> new CallsLog(file, script));
    }

    @Override
    public String name() {
        return AgentBackend.SCRIPTED.toString();
    }

    @Override
    public boolean continuesSessions() {
        return true;
    }

    @Override
    public AgentResult run(AgentTask task, AgentListener listener) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("scripted call interrupted before it started");
        }
        Optional<Claim> claim = claim(task);
        String sessionId = task.continueSession().orElseGet(() -> "scripted-" + sessions.incrementAndGet());
        AgentResult result;
        try {
            result = answer(task, claim.map(Claim::entry), sessionId, listener);
        } catch (InterruptedException e) {
            claim.ifPresent(Claim::giveBack);
            throw e;
        }
        callsLog.ifPresent(log -> log.append(task, sessionId, result));
        return result;
    }

    /** An entry taken for one call, with the count it used, if it has {@code times}. */
    private record Claim(Script.Entry entry, Optional<AtomicInteger> count) {
        void giveBack() {
            count.ifPresent(AtomicInteger::decrementAndGet);
        }
    }

    /** The first entry that matches and has matches left; taking one of its {@code times} atomically. */
    private Optional<Claim> claim(AgentTask task) {
        for (Script.Entry entry : script.responses()) {
            if (!entry.match().test(task)) {
                continue;
            }
            if (entry.times().isEmpty()) {
                return Optional.of(new Claim(entry, Optional.empty()));
            }
            AtomicInteger count = used.get(entry.index());
            int limit = entry.times().getAsInt();
            for (int n = count.get(); n < limit; n = count.get()) {
                if (count.compareAndSet(n, n + 1)) {
                    return Optional.of(new Claim(entry, Optional.of(count)));
                }
            }
        }
        return Optional.empty();
    }

    private AgentResult answer(AgentTask task, Optional<Script.Entry> entry, String sessionId, AgentListener listener)
            throws InterruptedException {
        Optional<String> session = Optional.of(sessionId);
        listener.sessionId(sessionId);
        Usage usage = entry.map(Script.Entry::usage).orElse(Usage.NONE);
        Duration delay = entry.flatMap(Script.Entry::delay).orElse(script.delay());
        if (delay.compareTo(task.stall()) > 0 && task.stall().compareTo(task.timeout()) < 0) {
            // a scripted call says nothing while it waits: longer than the stall window is a stall
            Thread.sleep(task.stall());
            listener.activity("scripted stall after " + task.stall().toMillis() + " ms");
            return new AgentResult(
                    "",
                    session,
                    usage,
                    new AgentResult.Outcome.Failure(
                            ErrorClass.STALL,
                            "no output for " + task.stall().toMillis() + " ms (the scripted delay is "
                                    + delay.toMillis() + " ms)"));
        }
        if (delay.compareTo(task.timeout()) > 0) {
            Thread.sleep(task.timeout());
            listener.activity("scripted timeout after " + task.timeout().toMillis() + " ms");
            return new AgentResult("", session, usage, timeout(delay, task));
        }
        Thread.sleep(delay);

        Script.Reply reply = entry.map(Script.Entry::reply).orElseGet(Script.Reply.Default::new);
        Optional<AgentResult.Outcome.Failure> fail = entry.flatMap(Script.Entry::fail);
        Map<String, String> files = filesToWrite(task, entry, reply, fail);
        Optional<AgentResult.Outcome.Failure> refused = writeFiles(task, files, listener);
        if (refused.isPresent()) {
            return new AgentResult("", session, usage, refused.get());
        }
        String text = switch (reply) {
            case Script.Reply.Document document -> render(document.json(), task);
            case Script.Reply.Verbatim verbatim -> verbatim.text();
            case Script.Reply.Default ignored -> fail.isPresent() ? "" : defaultText(task, files);
        };
        listener.usage(usage);
        if (fail.isPresent()) {
            listener.activity("scripted failure (" + fail.get().errorClass().wireName() + ")");
            return new AgentResult(text, session, usage, fail.get());
        }
        listener.activity("scripted reply (" + task.contract().map(Contract::id).orElse("text") + ")");
        return new AgentResult(text, session, usage, new AgentResult.Outcome.Success());
    }

    private static AgentResult.Outcome.Failure timeout(Duration delay, AgentTask task) {
        return new AgentResult.Outcome.Failure(
                ErrorClass.TIMEOUT,
                "the scripted delay of " + delay.toMillis() + " ms is longer than the task's timeout of "
                        + task.timeout().toMillis() + " ms");
    }

    /** The entry's files; a built-in dev_result answer without any writes its own file. */
    private static Map<String, String> filesToWrite(
            AgentTask task,
            Optional<Script.Entry> entry,
            Script.Reply reply,
            Optional<AgentResult.Outcome.Failure> fail) {
        Map<String, String> files =
                new LinkedHashMap<>(entry.map(Script.Entry::files).orElse(Map.of()));
        boolean defaultDevResult = reply instanceof Script.Reply.Default
                && task.contract().equals(Optional.of(Contract.DEV_RESULT))
                && fail.isEmpty();
        if (defaultDevResult && files.isEmpty()) {
            files.put(ScriptedAnswers.defaultFile(task), ScriptedAnswers.defaultFileText(task));
        }
        return files;
    }

    private static String defaultText(AgentTask task, Map<String, String> files) {
        return task.contract()
                .map(contract -> render(ScriptedAnswers.document(contract, List.copyOf(files.keySet())), task))
                .orElseGet(() -> ScriptedAnswers.text(task));
    }

    /**
     * Writes the files in the task's folder, in script order.
     *
     * @return the failure that stopped the writing, if any (files before it stay written, as a real
     *     agent's would)
     */
    private Optional<AgentResult.Outcome.Failure> writeFiles(
            AgentTask task, Map<String, String> files, AgentListener listener) throws InterruptedException {
        if (files.isEmpty()) {
            return Optional.empty();
        }
        Path root = task.workDir().toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return Optional.of(new AgentResult.Outcome.Failure(
                    ErrorClass.CRASH, "the task's folder " + root + " does not exist; nothing was written"));
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("scripted call interrupted while writing files");
            }
            String path = file.getKey();
            try {
                Optional<String> refusal = refusal(root, path);
                if (refusal.isPresent()) {
                    return Optional.of(new AgentResult.Outcome.Failure(ErrorClass.TOOL_DENIED, refusal.get()));
                }
                Path target = root.resolve(path).normalize();
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue());
            } catch (IOException e) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("scripted call interrupted while writing " + path);
                }
                return Optional.of(new AgentResult.Outcome.Failure(
                        ErrorClass.CRASH, "cannot write " + path + " in " + root + ": " + e.getMessage()));
            }
            listener.activity("Write " + path);
        }
        return Optional.empty();
    }

    /** Why the path may not be written: it leaves the folder, by its name or through a symbolic link. */
    private static Optional<String> refusal(Path root, String path) throws IOException {
        Optional<String> byName = ScriptParser.checkRelative(path);
        if (byName.isPresent()) {
            return byName;
        }
        Path target = root.resolve(path).normalize();
        Path existing = target;
        while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (!existing.toRealPath().startsWith(root.toRealPath())) {
            return Optional.of("the path '" + path + "' leads out of the task's folder through a symbolic link");
        }
        return Optional.empty();
    }

    /** Prose and a fenced json block, as real agents end their answers. */
    private static String render(JsonNode json, AgentTask task) {
        return "Scripted answer" + task.contract().map(c -> " for " + c.id()).orElse("") + ".\n\n```json\n"
                + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n```\n";
    }
}
