package io.troupe.client.sdk;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** How the client's channels reach a node: TLS credentials and the bearer token. */
final class Transport {
  private Transport() {}

  /**
   * A client's network threads: its own, not gRPC's shared ones (which linger a second after the
   * last channel closes, and keep a JVM that exits waiting for them while they sit in a system
   * call).
   */
  static final class Loop implements AutoCloseable {
    private final NioEventLoopGroup group =
        new NioEventLoopGroup(2, new DefaultThreadFactory("troupe-client", true));

    @Override
    public void close() {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
  }

  static Loop loop() {
    return new Loop();
  }

  /** A channel builder to {@code target} on {@code loop}'s threads. */
  static NettyChannelBuilder channel(String target, ChannelCredentials credentials, Loop loop) {
    return NettyChannelBuilder.forTarget(target, credentials)
        .eventLoopGroup(loop.group)
        .channelType(NioSocketChannel.class);
  }

  /** Adds {@code authorization: Bearer TOKEN} to every call. */
  static ClientInterceptor bearer(String token) {
    Metadata.Key<String> key = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    String value = "Bearer " + token;
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(key, value);
            super.start(listener, headers);
          }
        };
      }
    };
  }

  /**
   * TLS trusting {@code trusted} (or the system's CAs), presenting a client certificate if given.
   */
  static ChannelCredentials tls(Path trusted, Path clientCert, Path clientKey) {
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (trusted != null) {
        b.trustManager(trusted.toFile());
      }
      if (clientCert != null) {
        b.keyManager(clientCert.toFile(), clientKey.toFile());
      }
    } catch (IOException | RuntimeException e) {
      throw new TroupeClientException(
          Status.Code.INVALID_ARGUMENT,
          "",
          "cannot read the TLS files ("
              + (trusted == null ? "" : trusted + " ")
              + (clientCert == null ? "" : clientCert + " " + clientKey)
              + "): "
              + e.getMessage(),
          e);
    }
    return b.build();
  }
}
