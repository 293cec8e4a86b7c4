package dev.orchestrator.agent.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake Anthropic Messages API on {@code 127.0.0.1}, for the real Claude Code CLI (point
 * {@code ANTHROPIC_BASE_URL} at {@link #url()}). Each {@code POST /v1/messages} is answered by the
 * test's {@link #answer function of the request}: a message (streamed as SSE when the request
 * asks for a stream, else plain JSON), an error with a status and an optional {@code retry-after},
 * or a stall (the stream opens and then stays silent until the fake closes). {@code HEAD /} (the
 * CLI's warm-up) gets 200; other paths 404. Every request is recorded.
 *
 * <p>Use as a JUnit extension ({@code @RegisterExtension}): started before each test, closed
 * after; or {@link #start()} and {@link #close()} it yourself. Handlers run on virtual threads,
 * so requests from CLIs running at once are answered at once (an answer function may block one
 * request while others go on); the answer function must be safe to call from several threads.
 */
public final class FakeAnthropicApi implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Request, Reply> answers = inOrder();
    private HttpServer server;
    private ExecutorService executor;

    /** One request as the fake received it. */
    public record Request(int seq, String method, String path, Map<String, String> headers, String body) {
        /** The body as JSON (an empty object when it is not JSON). */
        public JsonNode json() {
            try {
                return JSON.readTree(body.isEmpty() ? "{}" : body);
            } catch (RuntimeException e) {
                return JSON.createObjectNode();
            }
        }

        public boolean isMessages() {
            return method.equals("POST") && path.startsWith("/v1/messages") && !path.contains("count_tokens");
        }

        /** Whether the CLI asked for a stream (its fallback after a broken stream leaves the key out). */
        public boolean streaming() {
            return json().path("stream").asBoolean(false);
        }

        /** The text of every message, in order, a string each (tool results included). */
        public List<String> messageTexts() {
            List<String> texts = new ArrayList<>();
            for (JsonNode message : json().path("messages")) {
                texts.add(text(message.path("content")));
            }
            return texts;
        }

        /** The text of the last message: the prompt, or the tool results being sent back. */
        public String lastMessageText() {
            List<String> texts = messageTexts();
            return texts.isEmpty() ? "" : texts.getLast();
        }

        /** Whether the last message carries tool results: the model's turn after it used tools. */
        public boolean answersTools() {
            JsonNode messages = json().path("messages");
            if (messages.isEmpty()) {
                return false;
            }
            for (JsonNode block : messages.get(messages.size() - 1).path("content")) {
                if (block.path("type").asString("").equals("tool_result")) {
                    return true;
                }
            }
            return false;
        }

        /** The whole system prompt, its blocks joined. */
        public String system() {
            return text(json().path("system"));
        }

        private static String text(JsonNode content) {
            if (content.isString()) {
                return content.asString();
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode block : content) {
                if (block.path("text").isString()) {
                    text.append(block.path("text").asString()).append('\n');
                } else if (block.has("content")) {
                    text.append(text(block.path("content"))).append('\n');
                }
            }
            return text.toString();
        }
    }

    /** What the fake answers to one {@code POST /v1/messages}. */
    public sealed interface Reply {
        /** An assistant message. */
        record Message(List<Block> blocks, Tokens usage) implements Reply {
            public Message {
                blocks = List.copyOf(blocks);
                Objects.requireNonNull(usage, "usage");
            }
        }

        /** An error: {@code {"type":"error","error":{"type":..,"message":..}}} with this status. */
        record Error(int status, String type, String message, Optional<Duration> retryAfter) implements Reply {}

        /** A stream that starts and then says nothing until the fake is closed. */
        record Stall() implements Reply {}
    }

    /** A content block of a message. */
    public sealed interface Block {
        record Text(String text) implements Block {}

        /** A tool call; {@code input} is its JSON object. */
        record ToolUse(String name, String input) implements Block {}
    }

    /** The tokens a message reports (in {@code message_delta}, which the CLI sums). */
    public record Tokens(long input, long output, long cacheRead, long cacheWrite) {
        public static final Tokens SMALL = new Tokens(100, 20, 0, 0);
    }

    public static Reply text(String text) {
        return new Reply.Message(List.of(new Block.Text(text)), Tokens.SMALL);
    }

    /** A message that calls one tool, with a line of text before it. */
    public static Reply toolUse(String name, Map<String, ?> input) {
        return new Reply.Message(
                List.of(new Block.Text("Using " + name + "."), new Block.ToolUse(name, JSON.writeValueAsString(input))),
                Tokens.SMALL);
    }

    public static Reply error(int status, String type, String message) {
        return new Reply.Error(status, type, message, Optional.empty());
    }

    public static Reply overloaded() {
        return error(529, "overloaded_error", "Overloaded");
    }

    public static Reply rateLimited(Duration retryAfter) {
        return new Reply.Error(429, "rate_limit_error", "Rate limited", Optional.of(retryAfter));
    }

    public static Reply stall() {
        return new Reply.Stall();
    }

    /** Answers each request with the next reply, then with a short text once they run out. */
    public static Function<Request, Reply> inOrder(Reply... replies) {
        Iterator<Reply> next = List.of(replies).iterator();
        return request -> {
            synchronized (next) {
                return next.hasNext() ? next.next() : text("(fake: script exhausted)");
            }
        };
    }

    /** Answers every following request with {@code answers}. */
    public FakeAnthropicApi answer(Function<Request, Reply> answers) {
        this.answers = Objects.requireNonNull(answers, "answers");
        return this;
    }

    public synchronized FakeAnthropicApi start() {
        try {
            closing = new CountDownLatch(1);
            executor = Executors.newVirtualThreadPerTaskExecutor();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request received, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The {@code POST /v1/messages} requests, in order. */
    public List<Request> messages() {
        return requests.stream().filter(Request::isMessages).toList();
    }

    @Override
    public synchronized void close() {
        closing.countDown();
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            Request request;
            synchronized (requests) { // requests arrive at once from parallel CLIs: seq is the position
                request = new Request(
                        requests.size() + 1,
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        headers,
                        body);
                requests.add(request);
            }
            if (request.method().equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else if (request.isMessages()) {
                reply(exchange, request, answers.apply(request));
            } else {
                send(
                        exchange,
                        404,
                        "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"fake\"}}");
            }
        }
    }

    private void reply(HttpExchange exchange, Request request, Reply reply) throws IOException {
        String model = request.json().path("model").asString("claude-fake");
        switch (reply) {
            case Reply.Error error -> {
                error.retryAfter()
                        .ifPresent(wait -> exchange.getResponseHeaders()
                                .set("retry-after", Long.toString(Math.max(1, wait.toSeconds()))));
                ObjectNode json = JSON.createObjectNode().put("type", "error");
                json.putObject("error").put("type", error.type()).put("message", error.message());
                json.put("request_id", "req_fake_" + ids.incrementAndGet());
                send(exchange, error.status(), JSON.writeValueAsString(json));
            }
            case Reply.Message message when request.streaming() -> stream(exchange, message, model);
            case Reply.Message message -> send(exchange, 200, JSON.writeValueAsString(whole(message, model)));
            case Reply.Stall stall -> {
                exchange.getResponseHeaders().set("content-type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                Reply.Message empty = new Reply.Message(List.of(), Tokens.SMALL);
                event(
                        out,
                        "message_start",
                        JSON.createObjectNode().put("type", "message_start").set("message", start(empty, model)));
                try {
                    closing.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void stream(HttpExchange exchange, Reply.Message message, String model) throws IOException {
        exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("request-id", "req_fake_" + ids.incrementAndGet());
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(
                out,
                "message_start",
                JSON.createObjectNode().put("type", "message_start").set("message", start(message, model)));
        int index = 0;
        for (Block block : message.blocks()) {
            ObjectNode start =
                    JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            ObjectNode delta =
                    JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            switch (block) {
                case Block.Text text -> {
                    start.putObject("content_block").put("type", "text").put("text", "");
                    delta.putObject("delta").put("type", "text_delta").put("text", text.text());
                }
                case Block.ToolUse tool -> {
                    start.putObject("content_block")
                            .put("type", "tool_use")
                            .put("id", "toolu_fake_" + ids.incrementAndGet())
                            .put("name", tool.name())
                            .putObject("input");
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", tool.input());
                }
            }
            event(out, "content_block_start", start);
            event(out, "content_block_delta", delta);
            event(
                    out,
                    "content_block_stop",
                    JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", stopReason(message)).putNull("stop_sequence");
        end.set("usage", usage(message.usage(), message.usage().output()));
        event(out, "message_delta", end);
        event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
    }

    private ObjectNode start(Reply.Message message, String model) {
        ObjectNode start = JSON.createObjectNode()
                .put("id", "msg_fake_" + ids.incrementAndGet())
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model);
        start.putArray("content");
        start.putNull("stop_reason").putNull("stop_sequence");
        start.set("usage", usage(message.usage(), 1));
        return start;
    }

    private ObjectNode whole(Reply.Message message, String model) {
        ObjectNode whole = start(message, model);
        ArrayNode content = whole.putArray("content");
        for (Block block : message.blocks()) {
            switch (block) {
                case Block.Text text -> content.addObject().put("type", "text").put("text", text.text());
                case Block.ToolUse tool ->
                    content.addObject()
                            .put("type", "tool_use")
                            .put("id", "toolu_fake_" + ids.incrementAndGet())
                            .put("name", tool.name())
                            .set("input", JSON.readTree(tool.input()));
            }
        }
        whole.put("stop_reason", stopReason(message));
        whole.set("usage", usage(message.usage(), message.usage().output()));
        return whole;
    }

    private static ObjectNode usage(Tokens tokens, long output) {
        return JSON.createObjectNode()
                .put("input_tokens", tokens.input())
                .put("cache_creation_input_tokens", tokens.cacheWrite())
                .put("cache_read_input_tokens", tokens.cacheRead())
                .put("output_tokens", output);
    }

    private static String stopReason(Reply.Message message) {
        return message.blocks().stream().anyMatch(b -> b instanceof Block.ToolUse) ? "tool_use" : "end_turn";
    }

    private static void event(OutputStream out, String name, JsonNode data) throws IOException {
        out.write(("event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
