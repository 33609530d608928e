package io.troupe.home;

import io.troupe.dispatch.Dispatcher;
import io.troupe.dispatch.Work;
import io.troupe.error.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

/** The other nodes as the dispatcher sees them: their reported loads, reached by node link. */
public final class Workers implements Dispatcher.Cluster {
  private final Members members;
  private final Links links;
  private final LoadBoard loads;
  private final DoubleSupplier cpu;

  /**
   * @param cpu this node's recent CPU load, 0..1
   */
  public Workers(Members members, Links links, LoadBoard loads, DoubleSupplier cpu) {
    this.members = members;
    this.links = links;
    this.loads = loads;
    this.cpu = cpu;
  }

  /** This process's recent CPU load (0..1), or 0 where the JVM cannot tell. */
  public static double processCpu() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double load =
        os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuLoad() : 0;
    return load < 0 ? 0 : load;
  }

  @Override
  public List<Dispatcher.Load> peers() {
    NodeRef self = members.self();
    List<Dispatcher.Load> out = new ArrayList<>();
    for (NodeRef n : members.live()) {
      if (n.equals(self) || !links.connected(n)) {
        continue;
      }
      loads
          .current(n.name())
          .ifPresent(l -> out.add(new Dispatcher.Load(n.name(), l.depth(), l.capacity(), l.cpu())));
    }
    return out;
  }

  @Override
  public CompletableFuture<Void> run(String node, Work w) {
    Optional<NodeRef> n = members.named(node);
    if (n.isEmpty()) {
      return CompletableFuture.failedFuture(
          new UnavailableException("node " + node + " is not a member"));
    }
    return links.runOperation(n.get(), w);
  }

  @Override
  public boolean alive(String node) {
    return members.named(node).isPresent();
  }

  @Override
  public double cpu() {
    return cpu.getAsDouble();
  }

  @Override
  public void cancel(String node, String opId) {
    members.named(node).ifPresent(n -> links.cancelOperation(n, opId));
  }
}
