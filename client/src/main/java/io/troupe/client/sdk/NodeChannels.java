package io.troupe.client.sdk;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client's channels to its nodes: one per target, on the client's own network threads, carrying
 * the bearer token when there is one; closed, threads and all, when the client is.
 */
final class NodeChannels implements AutoCloseable {
  /** The largest reply or chain event the client takes: as large as a node accepts. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final List<ManagedChannel> managed = new ArrayList<>();

  /** The channels calls go out on: {@link #managed}, carrying the token when there is one. */
  private final List<Channel> channels = new ArrayList<>();

  /** The client's own network threads, ended by {@link #close}. */
  private final Transport.Loop loop = Transport.loop();

  /**
   * @param token the bearer token every call carries, or null for none
   */
  NodeChannels(List<String> targets, ChannelCredentials credentials, String token) {
    for (String t : targets) {
      ManagedChannel c =
          Transport.channel(t, credentials, loop).maxInboundMessageSize(MAX_MESSAGE_BYTES).build();
      managed.add(c);
      channels.add(token == null ? c : ClientInterceptors.intercept(c, Transport.bearer(token)));
    }
  }

  /** The channels calls go out on, one per target, in the order given. */
  List<Channel> channels() {
    return channels;
  }

  @Override
  public void close() {
    for (ManagedChannel c : managed) {
      c.shutdownNow();
    }
    for (ManagedChannel c : managed) {
      try {
        c.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    loop.close(); // no network thread outlives the client (a JVM exits up to 0.3 s later if one
    // does)
  }
}
