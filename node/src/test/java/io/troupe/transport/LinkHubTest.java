package io.troupe.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.home.Members;
import io.troupe.home.NodeRef;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.EnvelopeBatch;
import io.troupe.proto.v1.Hello;
import io.troupe.proto.v1.NodeLinkGrpc;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The accepting side of node links: who may link, and when a new dial replaces a link. */
class LinkHubTest {
  private final NodeRef self = new NodeRef("a", "z-member"); // b dials a: "b-member" < "z-member"
  private final NodeRef peer = new NodeRef("b", "b-member");
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final LinkHub hub =
      new LinkHub(
          new Members() {
            @Override
            public NodeRef self() {
              return self;
            }

            @Override
            public List<NodeRef> live() {
              return List.of(self, peer);
            }

            @Override
            public Optional<NodeRef> owner(ActorId id) {
              return Optional.of(self);
            }

            @Override
            public boolean quorum() {
              return true;
            }

            @Override
            public String quorumDescription() {
              return "test";
            }
          },
          new ObjectMapper(),
          scheduler,
          n -> {
            throw new AssertionError("a does not dial b");
          },
          e -> new RuntimeException(e.getMessage()));

  /** One dialled stream, as the accepting node's side sees it. */
  private static final class Stream implements StreamObserver<EnvelopeBatch> {
    final List<EnvelopeBatch> received = new CopyOnWriteArrayList<>();
    volatile Throwable error;

    @Override
    public void onNext(EnvelopeBatch b) {
      received.add(b);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {}
  }

  @AfterEach
  void close() {
    hub.close();
    scheduler.shutdownNow();
  }

  private Stream dial() {
    Stream s = new Stream();
    StreamObserver<EnvelopeBatch> in = ((NodeLinkGrpc.NodeLinkImplBase) hub.service()).link(s);
    in.onNext(
        EnvelopeBatch.newBuilder()
            .addEnvelopes(
                Envelope.newBuilder()
                    .setHello(Hello.newBuilder().setNode(peer.name()).setMemberUuid(peer.member())))
            .build());
    return s;
  }

  @Test
  void aLinkThatFellSilent_isReplacedByTheMembersNextDial_aLiveOneIsNot() {
    hub.memberAdded(peer);
    Stream first = dial();
    assertThat(first.error).isNull();
    assertThat(hub.connected(peer)).isTrue();
    Stream second = dial(); // while the first is fresh: refused
    assertThat(second.error).hasMessageContaining("is linked already");

    // the first stream died without either side seeing it end: nothing more comes on it, and
    // once it has been silent long enough, the member's next dial is taken instead
    AtomicReference<Stream> replacing = new AtomicReference<>();
    await()
        .atMost(LinkHub.SILENT_LINK.plusSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              Stream s = dial();
              replacing.set(s);
              return s.error == null;
            });
    hub.broadcastLoad(3, 8, 0.5);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                replacing.get().received.stream()
                    .flatMap(b -> b.getEnvelopesList().stream())
                    .anyMatch(Envelope::hasLoad));
    assertThat(first.received.stream().flatMap(b -> b.getEnvelopesList().stream()))
        .noneMatch(Envelope::hasLoad);
  }
}
