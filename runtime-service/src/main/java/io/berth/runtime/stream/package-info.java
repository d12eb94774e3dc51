/**
 * Streaming: the HTTP server behind the CRI's Exec, Attach and PortForward.
 *
 * <h2>Flow</h2>
 * An RPC handler ({@code rpc.ExecHandler}, {@code rpc.AttachHandler},
 * {@code rpc.PortForwardHandler}) validates the request, checks the container
 * or sandbox through {@code rpc.StreamTargets}, and asks
 * {@link io.berth.runtime.stream.StreamingService} for a URL such as
 * {@code http://127.0.0.1:PORT/exec/TOKEN}. The token is single use, expires
 * after {@code token_ttl_seconds} and at most {@code max_pending_tokens} wait at
 * once (then RESOURCE_EXHAUSTED); an unknown, used or expired token gets 404.
 * The client connects with either
 * <ul>
 * <li>SPDY/3.1 (crictl, critest, the kubelet): HTTP Upgrade with
 *     {@code X-Stream-Protocol-Version} offers; exec/attach speak
 *     v4/v3/v2.channel.k8s.io or channel.k8s.io, port-forward portforward.k8s.io;
 *     no common protocol is 403, no offer at all 400. Package {@code spdy}.</li>
 * <li>WebSocket: exec/attach with v5.channel.k8s.io (close-channel message
 *     255+channel), v4.channel.k8s.io, v4.base64.channel.k8s.io, channel.k8s.io,
 *     base64.channel.k8s.io; port-forward with v4.channel.k8s.io,
 *     v4.base64.channel.k8s.io or portforward.k8s.io, ports from {@code ?port=}.
 *     Package {@code websocket}.</li>
 * </ul>
 * Both hand their streams to {@link io.berth.runtime.stream.RemoteCommand}
 * (exec/attach) or {@code portforward.PortForwardPump}, which drive the
 * {@link io.berth.runtime.stream.StreamRuntime}: the one interface the
 * container runtime implements.
 *
 * <h2>Exec and attach in the real runtime ({@code runtime.ShimStreamRuntime})</h2>
 * An exec without a terminal runs the OCI runtime's {@code exec} in the
 * foreground on berthd's own pipes; with a terminal it goes through berth-shim's
 * exec mode, which receives the pty master, starts the process only once berthd
 * has attached, and waits for a slow reader. Either way a slow client holds the
 * process back and no output is lost or dropped. Attach is a client of the
 * container shim's attach socket.
 *
 * <h2>Flow control</h2>
 * The Go SPDY client never sends WINDOW_UPDATE, so the server keeps no SPDY send
 * window; output waits only on the TCP connection (Netty's write-buffer
 * high-water mark), which in turn stops the reads from the process; input stops being read from the socket when a process
 * does not keep up ({@code io.ConnectionGate}).
 *
 * <h2>Configuration: {@code [stream]} ({@link io.berth.runtime.config.StreamConfig})</h2>
 * <pre>
 * [stream]
 * address = "127.0.0.1"                   # listen address, also the URLs' host
 * port = 0                                # 0: any free port; URLs carry the real one
 * tls_cert = ""                           # PEM chain; with tls_key, serve https
 * tls_key = ""                            # PEM PKCS#8 key
 * token_ttl_seconds = 60                  # how long a URL stays usable
 * max_pending_tokens = 1000               # URLs handed out and not yet used
 * stream_creation_timeout_seconds = 30    # time a SPDY client has to open its streams
 * idle_timeout_seconds = 14400            # a connection without traffic is closed
 * </pre>
 */
package io.berth.runtime.stream;
