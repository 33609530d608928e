package io.troupe.home;

import static org.assertj.core.api.Assertions.assertThat;

import io.troupe.dispatch.Dispatcher;
import io.troupe.dispatch.Work;
import io.troupe.error.UnavailableException;
import io.troupe.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The dispatcher's view of the other nodes: reported loads, fresh ones only, linked peers only. */
class WorkersTest {
  final NodeRef a = new NodeRef("a", "member-a");
  final NodeRef b = new NodeRef("b", "member-b");
  final NodeRef c = new NodeRef("c", "member-c");
  final MutableClock clock = MutableClock.start();
  final FakeMembers members = new FakeMembers(a, b, c);
  final FakeLinks links = new FakeLinks();
  final LoadBoard loads = new LoadBoard(clock);
  final Workers workers = new Workers(members, links, loads, () -> 0.25);

  @Test
  void onlyLinkedPeersWithAFreshReportTakeWork() {
    links.connected.add(b);
    links.connected.add(c);
    loads.report("b", 3, 4, 0.5);
    assertThat(workers.peers()).containsExactly(new Dispatcher.Load("b", 3, 4, 0.5));

    loads.report("c", 0, 4, 0.0);
    links.connected.remove(c);
    assertThat(workers.peers()).extracting(Dispatcher.Load::node).containsExactly("b");

    clock.advance(LoadBoard.STALE.plusMillis(1));
    assertThat(workers.peers()).isEmpty(); // b went quiet
    loads.report("b", 1, 4, 0.1);
    assertThat(workers.peers()).extracting(Dispatcher.Load::node).containsExactly("b");
    assertThat(workers.cpu()).isEqualTo(0.25);
  }

  @Test
  void workGoesToMembersByNameAndNotToNodesThatLeft() {
    Work w = new Work("op1", "actor", "compute.sha256", null, 0, true);
    workers.run("b", w).join();
    workers.cancel("b", "op1");
    assertThat(links.sent).containsExactly("run op1 on b", "cancel op1 on b");
    assertThat(workers.alive("b")).isTrue();

    members.leave(b);
    assertThat(workers.alive("b")).isFalse();
    assertThat(workers.run("b", w))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(UnavailableException.class);
  }
}
