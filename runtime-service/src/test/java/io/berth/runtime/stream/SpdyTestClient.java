package io.berth.runtime.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An independent SPDY/3.1 client that behaves like Go's (moby/spdystream under
 * client-go): HTTP Upgrade with X-Stream-Protocol-Version offers, SYN_STREAM
 * with a zlib-compressed header block (SPDY dictionary, one context per
 * connection, sync flush), waits for SYN_REPLY, and never sends WINDOW_UPDATE.
 * It shares no code with the server.
 */
final class SpdyTestClient implements AutoCloseable {

    /** The upgrade was refused. */
    static final class UpgradeRefused extends IOException {
        final int status;
        final Map<String, List<String>> headers;

        UpgradeRefused(int status, Map<String, List<String>> headers, String body) {
            super("HTTP " + status + ": " + body);
            this.status = status;
            this.headers = headers;
        }
    }

    final class Stream {
        final int id;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean replied;
        private boolean remoteFin;
        private volatile boolean discard;
        private long discarded;
        private boolean reset;

        Stream(int id) {
            this.id = id;
        }

        void write(byte[] data) throws IOException {
            writeData(id, data, false);
        }

        /** Half-close: FIN on an empty DATA frame, as spdystream's Close does. */
        void closeWrite() throws IOException {
            writeData(id, new byte[0], true);
        }

        /** Everything the server sent on this stream, once it sent FIN (or reset). */
        byte[] readAll(long timeoutMs) throws IOException {
            await(() -> remoteFin || reset || closed, timeoutMs, "FIN on stream " + id);
            return snapshot();
        }

        byte[] snapshot() {
            lock.lock();
            try {
                return received.toByteArray();
            } finally {
                lock.unlock();
            }
        }

        /** Count what arrives instead of keeping it (throughput runs). */
        void discard() {
            discard = true;
        }

        long discarded() {
            return discarded;
        }

        int size() {
            lock.lock();
            try {
                return received.size();
            } finally {
                lock.unlock();
            }
        }

        boolean finished() {
            return remoteFin;
        }

        boolean wasReset() {
            return reset;
        }
    }

    interface Check {
        boolean ok();
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String protocol;
    private final Deflater deflater = new Deflater();
    private final Inflater inflater = new Inflater();
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Integer> pingsAnswered = new ArrayList<>();
    private int nextId = 1;
    private volatile boolean closed;
    volatile long dataBytes;
    volatile int windowUpdatesSent;

    private SpdyTestClient(Socket socket, InputStream in, String protocol) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(in);
        this.out = socket.getOutputStream();
        this.protocol = protocol;
        deflater.setDictionary(SpdyDictionaryBytes.get());
        Thread.ofVirtual().name("spdy-test-reader").start(this::readLoop);
    }

    static SpdyTestClient connect(String url, String... protocols) throws IOException {
        URI uri = URI.create(url);
        Socket socket = "https".equals(uri.getScheme()) ? TrustAll.socket(uri.getHost(), uri.getPort())
                : new Socket(uri.getHost(), uri.getPort());
        socket.setTcpNoDelay(true);
        StringBuilder req = new StringBuilder("POST " + uri.getRawPath() + " HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n");
        for (String p : protocols) {
            req.append("X-Stream-Protocol-Version: ").append(p).append("\r\n");
        }
        req.append("\r\n");
        socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
        // Buffered like Go's bufio reader: the upgrade response and frames are read in small pieces.
        InputStream raw = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String statusLine = readLine(raw);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = readLine(raw); !line.isEmpty(); line = readLine(raw)) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        if (status != 101) {
            int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0));
            String body = new String(raw.readNBytes(length), StandardCharsets.UTF_8);
            socket.close();
            throw new UpgradeRefused(status, headers, body);
        }
        String chosen = headers.getOrDefault("x-stream-protocol-version", List.of("")).get(0);
        return new SpdyTestClient(socket, raw, chosen);
    }

    String protocol() {
        return protocol;
    }

    /** Opens a stream and waits for the server's SYN_REPLY, as spdystream's CreateStream+Wait does. */
    Stream open(Map<String, String> headers) throws IOException {
        Stream stream;
        byte[] block;
        synchronized (out) {
            stream = new Stream(nextId);
            nextId += 2;
            streams.put(stream.id, stream);
            block = compress(headers);
            ByteBuffer frame = ByteBuffer.allocate(18 + block.length);
            frame.putShort((short) 0x8003).putShort((short) 1).putInt(10 + block.length);
            frame.putInt(stream.id).putInt(0).putShort((short) 0);
            frame.put(block);
            out.write(frame.array());
            out.flush();
        }
        await(() -> stream.replied || stream.reset || closed, 30_000, "SYN_REPLY for stream " + stream.id);
        if (stream.reset) {
            throw new IOException("stream " + stream.id + " reset by the server");
        }
        return stream;
    }

    Stream open(String streamType) throws IOException {
        return open(Map.of("streamType", streamType));
    }

    void ping(int id) throws IOException {
        synchronized (out) {
            out.write(ByteBuffer.allocate(12).putShort((short) 0x8003).putShort((short) 6).putInt(4).putInt(id).array());
            out.flush();
        }
        await(() -> pingsAnswered.contains(id), 10_000, "PING " + id + " echo");
    }

    /** Waits for the server to close the TCP connection. */
    boolean awaitServerClose(long timeoutMs) {
        try {
            await(() -> closed, timeoutMs, "close");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isClosedByServer() {
        return closed;
    }

    /** Like apimachinery's Connection.Close: reset our streams, GOAWAY, then close the socket. */
    @Override
    public void close() throws IOException {
        try {
            synchronized (out) {
                for (Stream s : streams.values()) {
                    out.write(ByteBuffer.allocate(16).putShort((short) 0x8003).putShort((short) 3).putInt(8)
                            .putInt(s.id).putInt(5).array());
                }
                out.write(ByteBuffer.allocate(16).putShort((short) 0x8003).putShort((short) 7).putInt(8)
                        .putInt(0).putInt(0).array());
                out.flush();
            }
        } catch (IOException ignored) {
            // the server may already be gone
        } finally {
            socket.close();
        }
    }

    /** Drops the connection without any goodbye, as a killed client would. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void writeData(int id, byte[] data, boolean fin) throws IOException {
        synchronized (out) {
            ByteBuffer frame = ByteBuffer.allocate(8 + data.length);
            frame.putInt(id & 0x7fffffff).putInt((fin ? 1 : 0) << 24 | data.length).put(data);
            out.write(frame.array());
            out.flush();
        }
    }

    private void readLoop() {
        try {
            while (true) {
                int first = in.readInt();
                int flagsAndLength = in.readInt();
                int flags = flagsAndLength >>> 24;
                byte[] payload = in.readNBytes(flagsAndLength & 0xffffff);
                if (first < 0) {
                    control(first & 0xffff, flags, ByteBuffer.wrap(payload));
                } else {
                    data(first, flags, payload);
                }
            }
        } catch (IOException | DataFormatException e) {
            // connection closed
        } finally {
            closed = true;
            signal();
        }
    }

    private void data(int id, int flags, byte[] payload) {
        Stream s = streams.get(id);
        lock.lock();
        try {
            dataBytes += payload.length;
            if (s != null) {
                if (s.discard) {
                    s.discarded += payload.length;
                } else {
                    s.received.writeBytes(payload);
                }
                if ((flags & 1) != 0) {
                    s.remoteFin = true;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void control(int type, int flags, ByteBuffer payload) throws DataFormatException, IOException {
        switch (type) {
            case 2 -> {
                Stream s = streams.get(payload.getInt() & 0x7fffffff);
                byte[] block = new byte[payload.remaining()];
                payload.get(block);
                decompressHeaderCount(block);
                if (s != null) {
                    lock.lock();
                    try {
                        s.replied = true;
                        s.remoteFin |= (flags & 1) != 0;
                    } finally {
                        lock.unlock();
                    }
                }
            }
            case 3 -> {
                Stream s = streams.get(payload.getInt() & 0x7fffffff);
                if (s != null) {
                    s.reset = true;
                }
            }
            case 6 -> {
                lock.lock();
                try {
                    pingsAnswered.add(payload.getInt());
                } finally {
                    lock.unlock();
                }
            }
            default -> {
                // SETTINGS, GOAWAY, WINDOW_UPDATE: nothing this client reacts to.
            }
        }
        signal();
    }

    private byte[] compress(Map<String, String> headers) {
        ByteBuffer block = ByteBuffer.allocate(4096);
        block.putInt(headers.size());
        headers.forEach((name, value) -> {
            byte[] n = name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            block.putInt(n.length).put(n).putInt(v.length).put(v);
        });
        deflater.setInput(block.array(), 0, block.position());
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            compressed.write(buf, 0, n);
        } while (n == buf.length);
        return compressed.toByteArray();
    }

    // Go's framer parses the header count from the block and fails the connection if it cannot.
    private void decompressHeaderCount(byte[] block) throws DataFormatException, IOException {
        inflater.setInput(block);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            int n = inflater.inflate(buf);
            if (n == 0 && inflater.needsDictionary()) {
                inflater.setDictionary(SpdyDictionaryBytes.get());
                continue;
            }
            plain.write(buf, 0, n);
            if (n == 0) {
                break;
            }
        }
        if (plain.size() < 4) {
            throw new IOException("SYN_REPLY header block without a header count");
        }
    }

    private void await(Check check, long timeoutMs, String what) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        lock.lock();
        try {
            while (!check.ok()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IOException("timed out waiting for " + what);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
