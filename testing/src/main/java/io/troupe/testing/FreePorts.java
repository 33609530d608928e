package io.troupe.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for nodes started by tests and benchmarks.
 *
 * <p>Ports come from below the kernel's ephemeral range. A port the OS picks (bind to 0) lies in
 * that range, and between picking it and a node binding it, any outbound connection of this machine
 * — Hazelcast members connect to each other all the time — may take it as its source port; CI saw
 * exactly that ("Port … is already in use"). Outbound connections never take a port below the
 * range. A port is handed out once per JVM, so two nodes started together never get the same.
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port nothing listens on right now, outside the ephemeral range, not handed out before. */
  public static int next() {
    int high = ephemeralLow() - 1;
    if (high - LOWEST < 1_000) {
      throw new IllegalStateException(
          "the ephemeral port range starts at " + (high + 1) + "; no room below it for test ports");
    }
    for (int attempt = 0; attempt < 10_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, high + 1);
      if (HANDED_OUT.add(port) && bindable(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + high);
  }

  private static boolean bindable(int port) {
    // the wildcard address: fails if anything holds the port on any local address
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (Linux), or the IANA default elsewhere. */
  private static int ephemeralLow() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      // a line read, not Files.readString: procfs reports size 0 and readString may stop short
      return Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
