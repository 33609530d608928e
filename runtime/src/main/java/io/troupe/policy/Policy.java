package io.troupe.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.InvalidManifestException;
import io.troupe.manifest.HandlerSpec;
import io.troupe.manifest.Limits;
import io.troupe.manifest.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an operator lets actors ask for (docs/security.md, "Policy"): ceilings for every manifest
 * limit, the largest module and how long it may take to compile, the handlers manifests may
 * declare, the hosts their network handlers may allow, whether private networks may be reached, and
 * the environment variables they may read. A manifest that asks for more is refused at start,
 * naming the setting; actors that run already are not touched.
 *
 * @param ceilings the most each manifest limit may be
 * @param maxModuleBytes the largest module accepted
 * @param compileTimeout how long loading (parsing, validating, compiling) a module may take
 * @param handlers the handler types manifests may declare (empty: any)
 * @param httpHosts the hosts an {@code http-client}'s {@code allowed_hosts} may name ({@code *},
 *     {@code *.suffix} or exact; empty: any)
 * @param tcpHosts the same for {@code tcp-client} ({@code allowed} entries' host part)
 * @param environment the variables an {@code environment} handler may expose (exact names, or
 *     prefixes ending in {@code *}; empty: any)
 * @param networks what network handlers may connect to, checked where they connect (the private
 *     ranges, and {@code httpHosts} again on the node that sends a request)
 * @param maxActors the most actors this node hosts at once (starts beyond are refused)
 */
public record Policy(
    Limits ceilings,
    int maxModuleBytes,
    Duration compileTimeout,
    Optional<Set<String>> handlers,
    Optional<Set<String>> httpHosts,
    Optional<Set<String>> tcpHosts,
    Optional<Set<String>> environment,
    Networks networks,
    int maxActors) {

  /** The largest module a node takes without a policy. */
  public static final int MAX_MODULE_BYTES = 64 << 20;

  /** How long a module may take to load without a policy. */
  public static final Duration COMPILE_TIMEOUT = Duration.ofSeconds(30);

  /** No policy: the built-in ceilings, everything else allowed. */
  public static Policy open() {
    return new Policy(
        new Limits(
            Limits.MAX_PAGES,
            Limits.MAX_CALL_TIMEOUT,
            Limits.MAX_MAILBOX,
            Limits.MAX_MESSAGE_BYTES,
            Limits.MAX_PENDING_OPS),
        MAX_MODULE_BYTES,
        COMPILE_TIMEOUT,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Networks.OPEN,
        Integer.MAX_VALUE);
  }

  private static final Set<String> KEYS =
      Set.of(
          "limits",
          "max_module_bytes",
          "compile_timeout_ms",
          "handlers",
          "http_hosts",
          "tcp_hosts",
          "environment",
          "allow_private_networks",
          "max_actors");
  private static final Set<String> LIMIT_KEYS =
      Set.of(
          "memory_pages",
          "call_timeout_ms",
          "mailbox_capacity",
          "max_message_bytes",
          "max_pending_ops");

  /**
   * Reads a policy file (TOML). Settings it leaves out keep the built-in ceilings, except private
   * networks: a policy refuses them unless {@code allow_private_networks = true}.
   */
  public static Policy load(Path file) {
    JsonNode root;
    try {
      root =
          new TomlMapper()
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(Files.readString(file));
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read the policy " + file + ": " + e.getMessage());
    }
    return parse(root, file.toString());
  }

  static Policy parse(JsonNode root, String source) {
    unknown(root, KEYS, source);
    Policy open = open();
    Limits max = open.ceilings();
    JsonNode l = root.path("limits");
    if (!l.isMissingNode()) {
      unknown(l, LIMIT_KEYS, source + " [limits]");
    }
    Limits ceilings =
        new Limits(
            bounded(l, "memory_pages", max.memoryPages(), source),
            Duration.ofMillis(
                bounded(l, "call_timeout_ms", (int) max.callTimeout().toMillis(), source)),
            bounded(l, "mailbox_capacity", max.mailboxCapacity(), source),
            bounded(l, "max_message_bytes", max.maxMessageBytes(), source),
            bounded(l, "max_pending_ops", max.maxPendingOps(), source));
    Optional<Set<String>> httpHosts = strings(root, "http_hosts", source);
    return new Policy(
        ceilings,
        bounded(root, "max_module_bytes", MAX_MODULE_BYTES, source),
        Duration.ofMillis(
            bounded(root, "compile_timeout_ms", (int) COMPILE_TIMEOUT.toMillis(), source)),
        strings(root, "handlers", source),
        httpHosts,
        strings(root, "tcp_hosts", source),
        strings(root, "environment", source),
        new Networks(root.path("allow_private_networks").asBoolean(false), httpHosts),
        bounded(root, "max_actors", Integer.MAX_VALUE, source));
  }

  /**
   * {@code m} as this node runs it: a limit the manifest left at its default is lowered to this
   * policy's ceiling.
   *
   * @throws InvalidManifestException naming the first thing {@code m} asks for beyond this policy
   */
  public Manifest apply(Manifest m) {
    Manifest out = clamp(m);
    check(out);
    return out;
  }

  /**
   * {@code m} with the limits it left at their defaults lowered to this policy's ceilings, and
   * nothing refused (an actor that moves here keeps running).
   */
  public Manifest clamp(Manifest m) {
    Limits d = Limits.defaults();
    Limits a = m.limits();
    Limits clamped =
        new Limits(
            a.memoryPages() == d.memoryPages()
                ? Math.min(a.memoryPages(), ceilings.memoryPages())
                : a.memoryPages(),
            a.callTimeout().equals(d.callTimeout())
                    && a.callTimeout().compareTo(ceilings.callTimeout()) > 0
                ? ceilings.callTimeout()
                : a.callTimeout(),
            a.mailboxCapacity() == d.mailboxCapacity()
                ? Math.min(a.mailboxCapacity(), ceilings.mailboxCapacity())
                : a.mailboxCapacity(),
            a.maxMessageBytes() == d.maxMessageBytes()
                ? Math.min(a.maxMessageBytes(), ceilings.maxMessageBytes())
                : a.maxMessageBytes(),
            a.maxPendingOps() == d.maxPendingOps()
                ? Math.min(a.maxPendingOps(), ceilings.maxPendingOps())
                : a.maxPendingOps());
    return clamped.equals(a) ? m : m.withLimits(clamped);
  }

  /**
   * @throws InvalidManifestException naming the first thing {@code m} asks for beyond this policy
   */
  public void check(Manifest m) {
    Limits a = m.limits();
    ceiling(m, "memory_pages", a.memoryPages(), ceilings.memoryPages());
    ceiling(m, "call_timeout_ms", a.callTimeout().toMillis(), ceilings.callTimeout().toMillis());
    ceiling(m, "mailbox_capacity", a.mailboxCapacity(), ceilings.mailboxCapacity());
    ceiling(m, "max_message_bytes", a.maxMessageBytes(), ceilings.maxMessageBytes());
    ceiling(m, "max_pending_ops", a.maxPendingOps(), ceilings.maxPendingOps());
    for (HandlerSpec h : m.handlers()) {
      if (handlers.isPresent() && !handlers.get().contains(h.type())) {
        throw refused(m, "the handler type '" + h.type() + "'");
      }
      switch (h.type()) {
        case "http-client" -> hosts(m, h, "allowed_hosts", httpHosts, false);
        case "tcp-client" -> hosts(m, h, "allowed", tcpHosts, true);
        case "environment" -> environment(m, h);
        default -> {}
      }
    }
  }

  /**
   * @throws io.troupe.error.LimitExceededException when a module of {@code size} bytes is larger
   *     than this policy takes
   */
  public void checkModuleSize(long size) {
    if (size > maxModuleBytes) {
      throw new io.troupe.error.LimitExceededException(
          "the module is "
              + size
              + " bytes; this node takes modules of at most "
              + maxModuleBytes
              + " bytes");
    }
  }

  private void hosts(
      Manifest m, HandlerSpec h, String key, Optional<Set<String>> allowed, boolean withPort) {
    if (allowed.isEmpty()) {
      return;
    }
    for (JsonNode entry : h.config().path(key)) {
      String host = entry.asText().toLowerCase(Locale.ROOT);
      if (withPort && host.lastIndexOf(':') > 0) {
        host = host.substring(0, host.lastIndexOf(':'));
      }
      if (host.equals("*")
          ? !allowed.get().contains("*")
          : !Networks.matches(allowed.get(), host)) {
        throw refused(m, h.type() + " host '" + entry.asText() + "'");
      }
    }
  }

  private void environment(Manifest m, HandlerSpec h) {
    if (environment.isEmpty()) {
      return;
    }
    for (String key : new String[] {"allowed_vars", "secret_vars"}) {
      for (JsonNode v : h.config().path(key)) {
        if (!exposable(v.asText())) {
          throw refused(m, "the environment variable '" + v.asText() + "'");
        }
      }
    }
    for (JsonNode p : h.config().path("allowed_prefixes")) {
      if (!environment.get().contains(p.asText() + "*")) {
        throw refused(m, "the environment prefix '" + p.asText() + "'");
      }
    }
  }

  private boolean exposable(String name) {
    for (String e : environment.orElseThrow()) {
      if (e.equals(name) || (e.endsWith("*") && name.startsWith(e.substring(0, e.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private static void ceiling(Manifest m, String key, long asked, long most) {
    if (asked > most) {
      throw new InvalidManifestException(
          m.source()
              + ": limits."
              + key
              + " = "
              + asked
              + " is more than this node's policy allows ("
              + most
              + ")");
    }
  }

  private static InvalidManifestException refused(Manifest m, String what) {
    return new InvalidManifestException(m.source() + ": this node's policy does not allow " + what);
  }

  private static int bounded(JsonNode node, String key, int most, String source) {
    JsonNode v = node.get(key);
    if (v == null) {
      return most;
    }
    if (!v.canConvertToInt() || v.asInt() < 1) {
      throw new InvalidArgumentException(source + ": " + key + " must be a positive integer");
    }
    return Math.min(v.asInt(), most);
  }

  private static Optional<Set<String>> strings(JsonNode root, String key, String source) {
    JsonNode v = root.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isArray()) {
      throw new InvalidArgumentException(source + ": " + key + " must be a list of strings");
    }
    Set<String> out = new HashSet<>();
    boolean caseSensitive = key.equals("environment"); // variable names are; host names are not
    v.forEach(s -> out.add(caseSensitive ? s.asText() : s.asText().toLowerCase(Locale.ROOT)));
    return Optional.of(Set.copyOf(out));
  }

  private static void unknown(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new InvalidArgumentException(
            where + ": unknown key '" + k + "' (known: " + known + ")");
      }
    }
  }
}
