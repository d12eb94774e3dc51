package io.berth.cni.it;

import io.berth.cni.netns.NetnsThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A one-shot TCP greeter inside a netns and a client for it. */
final class Sockets {

    private Sockets() {
    }

    /** Listens on 0.0.0.0:port in {@code netns}; answers each connection with {@code greeting}. */
    static ServerSocket greeter(Path netns, int port, String greeting) throws IOException {
        ServerSocket ss = NetnsThreads.callIn(netns,
                () -> new ServerSocket(port, 50, InetAddress.ofLiteral("0.0.0.0")));
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(greeting.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return; // closed by the test
                }
            }
        });
        return ss;
    }

    /** Connects from {@code netns} (null: the host) and reads everything. */
    static String fetch(Path netns, String host, int port) throws IOException {
        if (netns == null) {
            return read(host, port);
        }
        return NetnsThreads.callIn(netns, () -> read(host, port));
    }

    private static String read(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(host), port), 3000);
            s.setSoTimeout(3000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
