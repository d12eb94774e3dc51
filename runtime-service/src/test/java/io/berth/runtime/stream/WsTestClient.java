package io.berth.runtime.stream;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A channel-framing WebSocket client on the JDK's java.net.http WebSocket,
 * following client-go's WebSocket executor: one channel byte (or digit, with
 * base64) per message, the v5 close-channel message, binary messages only.
 */
final class WsTestClient implements WebSocket.Listener, AutoCloseable {

    private final Map<Integer, ByteArrayOutputStream> channels = new ConcurrentHashMap<>();
    private final List<Integer> messageChannels = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder partialText = new StringBuilder();
    private boolean base64;
    private WebSocket ws;

    static WsTestClient connect(String httpUrl, String... protocols) throws Exception {
        WsTestClient client = new WsTestClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        if (protocols.length > 0) {
            builder.subprotocols(protocols[0], Arrays.copyOfRange(protocols, 1, protocols.length));
        }
        client.ws = builder.buildAsync(URI.create(httpUrl.replaceFirst("^http", "ws")), client)
                .get(10, TimeUnit.SECONDS);
        client.base64 = client.ws.getSubprotocol().contains("base64");
        return client;
    }

    String subprotocol() {
        return ws.getSubprotocol();
    }

    void send(int channel, byte[] data) {
        if (base64) {
            ws.sendText((char) ('0' + channel) + Base64.getEncoder().encodeToString(data), true).join();
        } else {
            ByteBuffer frame = ByteBuffer.allocate(1 + data.length).put((byte) channel).put(data).flip();
            ws.sendBinary(frame, true).join();
        }
    }

    void send(int channel, String text) {
        send(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    /** v5: no more data from us on {@code channel}. */
    void closeChannel(int channel) {
        ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, (byte) channel}), true).join();
    }

    /** Waits for the server's close frame; returns its status code. */
    int awaitClose(long timeoutMs) throws Exception {
        return closed.get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    synchronized byte[] bytes(int channel) {
        ByteArrayOutputStream out = channels.get(channel);
        return out == null ? new byte[0] : out.toByteArray();
    }

    String text(int channel) {
        return new String(bytes(channel), StandardCharsets.UTF_8);
    }

    synchronized List<Integer> messageChannels() {
        return List.copyOf(messageChannels);
    }

    void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(t -> null);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        synchronized (this) {
            partial.writeBytes(chunk);
            if (last) {
                byte[] message = partial.toByteArray();
                partial.reset();
                deliver(message[0] & 0xff, Arrays.copyOfRange(message, 1, message.length));
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        synchronized (this) {
            partialText.append(data);
            if (last) {
                String message = partialText.toString();
                partialText.setLength(0);
                deliver(message.charAt(0) - '0', Base64.getDecoder().decode(message.substring(1)));
            }
        }
        webSocket.request(1);
        return null;
    }

    private void deliver(int channel, byte[] payload) {
        messageChannels.add(channel);
        channels.computeIfAbsent(channel, c -> new ByteArrayOutputStream()).writeBytes(payload);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }
}
