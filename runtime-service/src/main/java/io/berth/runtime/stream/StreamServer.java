package io.berth.runtime.stream;

import io.berth.runtime.config.StreamConfig;
import io.berth.runtime.stream.http.HttpResponses;
import io.berth.runtime.stream.http.StreamHttpHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * berthd's streaming HTTP server: one Netty server for exec, attach and
 * port-forward, over SPDY/3.1 or WebSocket, plain or TLS. Start it, then hand
 * {@link #service()} to the Exec/Attach/PortForward handlers.
 */
public final class StreamServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamServer.class);
    private static final int MAX_REQUEST = 64 * 1024;

    private final StreamConfig config;
    private final StreamRuntime runtime;
    private final TokenCache tokens;
    private EventLoopGroup group;
    private Channel serverChannel;
    private StreamingService service;

    public StreamServer(StreamConfig config, StreamRuntime runtime) {
        config.validate();
        this.config = config;
        this.runtime = runtime;
        this.tokens = new TokenCache(config.tokenTtl(), config.maxPendingTokens());
    }

    /** Binds the port; afterwards {@link #service()} hands out URLs with the real port. */
    public synchronized StreamServer start() throws IOException {
        SslContext ssl = config.tls() ? sslContext() : null;
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0,
                                        config.idleTimeout().toSeconds(), TimeUnit.SECONDS))
                                .addLast("idle-close", new IdleClose())
                                .addLast(HttpResponses.CODEC, new HttpServerCodec())
                                .addLast(HttpResponses.AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST))
                                .addLast("route", new StreamHttpHandler(tokens, runtime, config));
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.address(), config.port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the streaming server", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + config.address() + ":" + config.port() + ": " + e, e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        service = new StreamingService(tokens, baseUrl(bound.getPort()));
        LOG.info("streaming server listening on {}", service.baseUrl());
        return this;
    }

    public synchronized StreamingService service() {
        if (service == null) {
            throw new IllegalStateException("streaming server not started");
        }
        return service;
    }

    public synchronized int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private String baseUrl(int port) {
        String host = config.address();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (config.tls() ? "https" : "http") + "://" + host + ":" + port;
    }

    private SslContext sslContext() throws IOException {
        try {
            return SslContextBuilder.forServer(new File(config.tlsCert()), new File(config.tlsKey())).build();
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot load the streaming TLS certificate " + config.tlsCert()
                    + " / key " + config.tlsKey() + ": " + e.getMessage(), e);
        }
    }

    /** Closes a connection that carried nothing for the idle timeout. */
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                LOG.info("closing idle streaming connection {}", ctx.channel().remoteAddress());
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }
}
