package io.troupe.policy;

import io.troupe.error.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Where actors' network handlers may connect, whatever their manifests allow: whether private
 * addresses (loopback, RFC 1918, link-local — cloud metadata services live there — carrier-grade
 * NAT, IPv6 unique-local) may be reached, checked on every connection after the name is resolved.
 *
 * @param allowPrivate whether private addresses may be reached
 */
public record Networks(boolean allowPrivate) {
  /** Every address may be reached (no policy: a node for one machine, tests). */
  public static final Networks OPEN = new Networks(true);

  /**
   * @throws InvalidArgumentException when {@code host} resolves to an address this policy refuses,
   *     or does not resolve
   */
  public void check(String host) {
    if (allowPrivate) {
      return;
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new InvalidArgumentException("host '" + host + "' does not resolve");
    }
    for (InetAddress a : addresses) {
      check(host, a);
    }
  }

  /**
   * @throws InvalidArgumentException when {@code address} (what {@code host} resolved to) is one
   *     this policy refuses
   */
  public void check(String host, InetAddress address) {
    if (!allowPrivate && isPrivate(address)) {
      throw new InvalidArgumentException(
          "host '"
              + host
              + "' is a private address ("
              + address.getHostAddress()
              + "), which this node's policy does not let actors reach");
    }
  }

  /** Loopback, any-local, link-local, site-local, carrier-grade NAT, IPv6 unique-local. */
  static boolean isPrivate(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isAnyLocalAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (b.length == 4) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second < 128); // 0/8, 100.64/10
    }
    return (b[0] & 0xfe) == 0xfc; // fc00::/7
  }

  /** Whether {@code host} matches one of {@code patterns} ({@code *}, {@code *.suffix}, exact). */
  static boolean matches(Set<String> patterns, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String p : patterns) {
      if (p.equals("*") || p.equals(h) || (p.startsWith("*.") && h.endsWith(p.substring(1)))) {
        return true;
      }
    }
    return false;
  }
}
