package dev.orchestrator.agent.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake OpenAI Responses API on loopback for driving the real Codex CLI (adapted from the research
 * server, /work/research/codex/FakeResponses.java): {@code POST /v1/responses} answered with SSE.
 * Each request takes the next scripted {@link Reply}; when none is queued, the {@link #answerWith
 * answering function} decides from the request. Every request is recorded for assertions.
 *
 * <p>Use as {@code @RegisterExtension} (closed after each test) or with try-with-resources.
 * Thread-safe: requests are handled on virtual threads.
 */
public final class FakeResponsesApi implements AutoCloseable, AfterEachCallback {
    public static final String API_KEY_VARIABLE = "FAKE_API_KEY";
    public static final String API_KEY = "sk-fake-123";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.util.regex.Pattern CONTRACT =
            java.util.regex.Pattern.compile("Schema of `([a-z_]+\\.v1)`");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final HttpServer server;
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Function<Request, Reply> answer = request -> message("SCRIPT EXHAUSTED");

    public FakeResponsesApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** What the fake answers to one request. */
    public sealed interface Reply {}

    /** A completed response with these output items and usage. */
    public record Turn(List<Output> outputs, long inputTokens, long cachedTokens, long outputTokens) implements Reply {
        public Turn {
            outputs = List.copyOf(outputs);
        }

        public Turn withUsage(long input, long cached, long output) {
            return new Turn(outputs, input, cached, output);
        }
    }

    /** A plain HTTP error: {@code {"error":{"message":…}}} with this status and headers. */
    public record HttpError(int status, String message, Map<String, String> headers) implements Reply {}

    /** A stream that starts ({@code response.created}) and then sends nothing for this long. */
    public record Stall(Duration duration) implements Reply {}

    /** A stream that ends in {@code response.failed}. */
    public record Failed(String code, String message) implements Reply {}

    /** An output item of a {@link Turn}. */
    public sealed interface Output {}

    public record Message(String text) implements Output {}

    public record Reasoning(String text) implements Output {}

    /** An {@code exec_command} function call: Codex runs {@code cmd} in its shell. */
    public record Exec(String cmd) implements Output {}

    public static Turn turn(Output... outputs) {
        return new Turn(List.of(outputs), 100, 0, 20);
    }

    /** The contract a prompt last asks for (its {@code Schema of `x.v1`}), or "" when it names none. */
    public static String contract(String prompt) {
        java.util.regex.Matcher m = CONTRACT.matcher(prompt);
        String last = "";
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** A final message with the JSON document in a fenced block, as an agent answers a contract. */
    public static Turn reply(String json) {
        return message("Done.\n\n```json\n" + json.replace("\n", "") + "\n```");
    }

    public static Turn message(String text) {
        return turn(new Message(text));
    }

    public static Turn exec(String cmd) {
        return turn(new Exec(cmd));
    }

    public static HttpError error(int status, String message) {
        return new HttpError(status, message, Map.of());
    }

    /** Queues replies, taken one per request in order. */
    public FakeResponsesApi enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** How requests are answered when nothing is queued. */
    public FakeResponsesApi answerWith(Function<Request, Reply> function) {
        this.answer = Objects.requireNonNull(function);
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The requests so far, oldest first. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * Writes a {@code config.toml} into {@code codexHome} that points Codex at this fake with the
     * research's hardened settings: model {@code gpt-5.5}, no update check, no analytics, no plugins,
     * no retries (so failures are fast), bounded reconnects.
     */
    public Path writeCodexConfig(Path codexHome) {
        String config = """
                model = "gpt-5.5"
                model_provider = "fake"
                check_for_update_on_startup = false

                [analytics]
                enabled = false

                [features]
                unbounded_connection_retries = false
                plugins = false
                apps = false

                [model_providers.fake]
                name = "Fake"
                base_url = "%s"
                env_key = "%s"
                wire_api = "responses"
                request_max_retries = 0
                stream_max_retries = 0
                stream_idle_timeout_ms = 60000
                """.formatted(baseUrl(), API_KEY_VARIABLE);
        try {
            Files.createDirectories(codexHome);
            return Files.writeString(codexHome.resolve("config.toml"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request as the fake received it. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        /** The JSON body (an empty object when there is none). */
        public JsonNode json() {
            try {
                JsonNode node = JSON.readTree(body);
                return node == null ? NODES.objectNode() : node;
            } catch (RuntimeException e) {
                return NODES.objectNode();
            }
        }

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
        }

        /** The text of every user message in {@code input}, oldest first. */
        public List<String> userTexts() {
            List<String> texts = new ArrayList<>();
            for (JsonNode item : json().path("input")) {
                if ("message".equals(item.path("type").asString(""))
                        && "user".equals(item.path("role").asString(""))) {
                    StringBuilder text = new StringBuilder();
                    for (JsonNode content : item.path("content")) {
                        text.append(content.path("text").asString(""));
                    }
                    texts.add(text.toString());
                }
            }
            return texts;
        }

        /** The last user message: the prompt of the current turn. */
        public String prompt() {
            List<String> texts = userTexts();
            return texts.isEmpty() ? "" : texts.getLast();
        }

        /** Outputs of tool calls made since the last user message (empty at the start of a turn). */
        public List<String> toolOutputsThisTurn() {
            List<String> outputs = new ArrayList<>();
            for (JsonNode item : json().path("input")) {
                String type = item.path("type").asString("");
                if (type.equals("message") && "user".equals(item.path("role").asString(""))) {
                    outputs.clear();
                } else if (type.endsWith("call_output")) {
                    outputs.add(item.path("output").asString(""));
                }
            }
            return outputs;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) ->
                            headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", values)));
            Request request = new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    headers,
                    new String(body, StandardCharsets.UTF_8));
            requests.add(request);
            if (!request.method().equals("POST") || !request.path().endsWith("/responses")) {
                send(exchange, 404, "{\"error\":{\"message\":\"not found\"}}", Map.of());
                return;
            }
            Reply reply = script.poll();
            respond(exchange, reply != null ? reply : answer.apply(request));
        } catch (IOException e) {
            // the client went away (a killed codex): nothing to answer
        }
    }

    private void respond(HttpExchange exchange, Reply reply) throws IOException {
        switch (reply) {
            case HttpError error -> {
                ObjectNode body = NODES.objectNode();
                body.putObject("error")
                        .put("message", error.message())
                        .put("type", "fake_error")
                        .putNull("code");
                send(exchange, error.status(), body.toString(), error.headers());
            }
            case Turn turn -> stream(exchange, turn, null, null);
            case Stall stall -> stream(exchange, null, stall.duration(), null);
            case Failed failed -> stream(exchange, null, null, failed);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void stream(HttpExchange exchange, Turn turn, Duration stall, Failed failed) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        String responseId = "resp_" + ids.incrementAndGet();
        ObjectNode created = NODES.objectNode().put("type", "response.created");
        created.putObject("response")
                .put("id", responseId)
                .put("object", "response")
                .put("status", "in_progress")
                .putArray("output");
        event(out, created);
        if (stall != null) {
            try {
                closed.await(stall.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.close();
            return;
        }
        if (failed != null) {
            ObjectNode event = NODES.objectNode().put("type", "response.failed");
            event.putObject("response")
                    .put("id", responseId)
                    .put("status", "failed")
                    .putObject("error")
                    .put("code", failed.code())
                    .put("message", failed.message());
            event(out, event);
            out.close();
            return;
        }
        ArrayNode done = NODES.arrayNode();
        int index = 0;
        for (Output output : turn.outputs()) {
            ObjectNode item = item(output);
            ObjectNode event =
                    NODES.objectNode().put("type", "response.output_item.done").put("output_index", index++);
            event.set("item", item);
            event(out, event);
            done.add(item);
        }
        ObjectNode completed = NODES.objectNode().put("type", "response.completed");
        ObjectNode response = completed
                .putObject("response")
                .put("id", responseId)
                .put("object", "response")
                .put("status", "completed");
        response.set("output", done);
        ObjectNode usage = response.putObject("usage").put("input_tokens", turn.inputTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", turn.cachedTokens());
        usage.put("output_tokens", turn.outputTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", turn.inputTokens() + turn.outputTokens());
        event(out, completed);
        out.close();
    }

    private ObjectNode item(Output output) {
        String id = "item_" + ids.incrementAndGet();
        return switch (output) {
            case Message message -> {
                ObjectNode item = NODES.objectNode()
                        .put("type", "message")
                        .put("id", id)
                        .put("role", "assistant")
                        .put("status", "completed");
                item.putArray("content")
                        .addObject()
                        .put("type", "output_text")
                        .put("text", message.text())
                        .putArray("annotations");
                yield item;
            }
            case Reasoning reasoning -> {
                ObjectNode item = NODES.objectNode().put("type", "reasoning").put("id", id);
                item.putArray("summary").addObject().put("type", "summary_text").put("text", reasoning.text());
                yield item;
            }
            case Exec exec ->
                NODES.objectNode()
                        .put("type", "function_call")
                        .put("id", id)
                        .put("call_id", "call_" + ids.incrementAndGet())
                        .put("name", "exec_command")
                        .put(
                                "arguments",
                                NODES.objectNode().put("cmd", exec.cmd()).toString())
                        .put("status", "completed");
        };
    }

    private static void event(OutputStream out, ObjectNode event) throws IOException {
        out.write(("event: " + event.path("type").asString() + "\ndata: " + event + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
