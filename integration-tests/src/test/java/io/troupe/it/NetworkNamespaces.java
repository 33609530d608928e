package io.troupe.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: a Linux network namespace per host, each with two interfaces — one on a
 * "cluster" bridge (Hazelcast and node links) and one on a "client" bridge that this process also
 * sits on (10.X.2.1), so a test can reach every host as a client while it cuts hosts off from each
 * other. {@link #cut} takes a host's cluster interface down (its packets are dropped, as in a real
 * network partition: no resets, no errors, silence); {@link #heal} brings it back. Needs root and
 * iproute2 ({@link #available}). {@link #close} removes everything it made.
 */
final class NetworkNamespaces implements AutoCloseable {
  /** One host: its namespace and its addresses on the two networks. */
  record Host(String namespace, String clusterIp, String clientIp, String clusterLink) {}

  private final String tag;
  private final int subnet;
  private final List<Host> hosts = new ArrayList<>();

  private NetworkNamespaces(String tag, int subnet) {
    this.tag = tag;
    this.subnet = subnet;
  }

  /** Whether this machine lets us make namespaces (root, iproute2). */
  static boolean available() {
    String probe = "trprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000));
    try {
      if (run(false, "ip", "netns", "add", probe) != 0) {
        return false;
      }
      run(false, "ip", "netns", "del", probe);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static NetworkNamespaces create(int n) throws IOException {
    String tag = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    NetworkNamespaces net =
        new NetworkNamespaces(tag, 100 + ThreadLocalRandom.current().nextInt(100));
    try {
      net.build(n);
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  private void build(int n) throws IOException {
    String clusterBridge = "trp" + tag + "c";
    String clientBridge = "trp" + tag + "k";
    ip("link", "add", clusterBridge, "type", "bridge");
    ip("link", "set", clusterBridge, "up");
    ip("link", "add", clientBridge, "type", "bridge");
    ip("link", "set", clientBridge, "up");
    ip("addr", "add", "10." + subnet + ".2.1/24", "dev", clientBridge);
    for (int i = 1; i <= n; i++) {
      String ns = "trp" + tag + "n" + i;
      ip("netns", "add", ns);
      ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
      String clusterIp = "10." + subnet + ".1." + (10 + i);
      String clientIp = "10." + subnet + ".2." + (10 + i);
      plug(ns, clusterBridge, "trp" + tag + "c" + i, "trq" + tag + "c" + i, clusterIp);
      plug(ns, clientBridge, "trp" + tag + "k" + i, "trq" + tag + "k" + i, clientIp);
      hosts.add(new Host(ns, clusterIp, clientIp, "trp" + tag + "c" + i));
    }
  }

  /** A veth pair: {@code outer} on {@code bridge}, {@code inner} in {@code ns} with {@code ip}. */
  private static void plug(String ns, String bridge, String outer, String inner, String ip)
      throws IOException {
    ip("link", "add", outer, "type", "veth", "peer", "name", inner);
    ip("link", "set", inner, "netns", ns);
    ip("link", "set", outer, "master", bridge);
    ip("link", "set", outer, "up");
    ip("netns", "exec", ns, "ip", "addr", "add", ip + "/24", "dev", inner);
    ip("netns", "exec", ns, "ip", "link", "set", inner, "up");
  }

  List<Host> hosts() {
    return hosts;
  }

  /** Cuts {@code h} off from the other hosts (clients still reach it). */
  void cut(Host h) throws IOException {
    ip("link", "set", h.clusterLink(), "down");
  }

  /** Joins {@code h} to the other hosts again. */
  void heal(Host h) throws IOException {
    ip("link", "set", h.clusterLink(), "up");
  }

  @Override
  public void close() {
    for (Host h : hosts) {
      quietly("netns", "del", h.namespace()); // takes its veth ends (and so their peers) along
    }
    quietly("link", "del", "trp" + tag + "c");
    quietly("link", "del", "trp" + tag + "k");
  }

  private static void quietly(String... args) {
    try {
      List<String> cmd = new ArrayList<>(List.of("ip"));
      cmd.addAll(List.of(args));
      run(false, cmd.toArray(String[]::new));
    } catch (IOException e) {
      // best effort: it may not exist
    }
  }

  private static void ip(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    run(true, cmd.toArray(String[]::new));
  }

  private static int run(boolean check, String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (check && p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
    }
    return p.exitValue();
  }
}
