package io.troupe.transport;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.troupe.error.UnavailableException;
import io.troupe.home.NodeRef;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One gRPC channel per peer node (the node link and forwarded client calls share it), made on first
 * use from the address the peer announced, and closed when the peer leaves.
 */
public final class PeerChannels implements AutoCloseable {
  /** The largest message a node accepts from another (a chain page, a module). */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final Function<NodeRef, Optional<String>> addresses;
  private final ChannelCredentials credentials;
  private final boolean verifyName;
  private final Map<NodeRef, ManagedChannel> channels = new ConcurrentHashMap<>();

  /**
   * @param addresses the link address a member announced, if it is a member
   * @param credentials what this node presents and trusts (mutual TLS from the cluster CA, or none)
   * @param verifyName check that the peer's certificate names the node dialled (with TLS)
   */
  public PeerChannels(
      Function<NodeRef, Optional<String>> addresses,
      ChannelCredentials credentials,
      boolean verifyName) {
    this.addresses = addresses;
    this.credentials = credentials;
    this.verifyName = verifyName;
  }

  /**
   * @throws UnavailableException when {@code node} is not a member
   */
  public ManagedChannel to(NodeRef node) {
    return channels.computeIfAbsent(
        node,
        n -> {
          String target =
              addresses
                  .apply(n)
                  .orElseThrow(
                      () -> new UnavailableException("node " + n.name() + " is not a member"));
          var b =
              Grpc.newChannelBuilder(target, credentials)
                  .directExecutor() // callbacks on this channel never block
                  .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                  // a dead link is noticed within seconds, so the peer's redial is accepted
                  .keepAliveTime(10, java.util.concurrent.TimeUnit.SECONDS)
                  .keepAliveTimeout(5, java.util.concurrent.TimeUnit.SECONDS);
          if (verifyName) {
            b.overrideAuthority(n.name()); // its certificate must name it
          }
          return b.build();
        });
  }

  /** {@code node} left the cluster. */
  public void forget(NodeRef node) {
    ManagedChannel c = channels.remove(node);
    if (c != null) {
      c.shutdownNow();
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
