package io.troupe.policy;

import io.troupe.error.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where actors' network handlers may connect on this node, whatever their manifests allow: whether
 * private addresses (loopback, RFC 1918, link-local — cloud metadata services live there —
 * carrier-grade NAT, IPv6 unique-local) may be reached, checked on every connection after the name
 * is resolved; and the hosts HTTP requests may go to. The node that sends a request checks it
 * against its own rules, also for work another node dispatched to it.
 *
 * @param allowPrivate whether private addresses may be reached
 * @param httpHosts the hosts HTTP requests may go to ({@code *}, {@code *.suffix} or exact, in
 *     lower case; empty: any)
 */
public record Networks(boolean allowPrivate, Optional<Set<String>> httpHosts) {
  /** Every address may be reached (no policy: a node for one machine, tests). */
  public static final Networks OPEN = new Networks(true);

  public Networks {
    httpHosts = httpHosts.map(Set::copyOf);
  }

  /** Any host, private addresses as {@code allowPrivate} says. */
  public Networks(boolean allowPrivate) {
    this(allowPrivate, Optional.empty());
  }

  /**
   * @throws InvalidArgumentException when this node may not send an HTTP request to {@code host}:
   *     it is not among {@link #httpHosts}, or it resolves to an address this policy refuses
   */
  public void checkHttp(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (httpHosts.isPresent() && !matches(httpHosts.get(), h)) {
      throw new InvalidArgumentException(
          "host '"
              + h
              + "' is not among the hosts this node's policy lets actors reach (http_hosts)");
    }
    check(h);
  }

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
