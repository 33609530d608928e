package io.troupe.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP server ({@code --http-port}): the status page at {@code /} (static HTML and a
 * script, no build step, nothing fetched from elsewhere), {@code /status.json} that the page reads,
 * and {@code /metrics} in Prometheus's text format. Read-only: GET and HEAD only.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

  /** A status is read at most this often, however many pages poll it. */
  static final long FRESH_MILLIS = 2000;

  private static final String PAGES = "/io/troupe/status/";

  /** The static files: request path, resource, content type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/", new String[] {"index.html", "text/html; charset=utf-8"},
          "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
          "/status.js", new String[] {"status.js", "text/javascript; charset=utf-8"},
          "/status.css", new String[] {"status.css", "text/css; charset=utf-8"});

  private final HttpServer http;
  private final ExecutorService threads;
  private final String host;
  private final Supplier<NodeStatus> status;
  private final Supplier<String> metrics;
  private final ObjectMapper mapper;
  private final Clock clock;
  private NodeStatus last;

  private StatusServer(
      HttpServer http,
      String host,
      Supplier<NodeStatus> status,
      Supplier<String> metrics,
      ObjectMapper mapper,
      Clock clock) {
    this.http = http;
    this.host = host;
    this.status = status;
    this.metrics = metrics;
    this.mapper = mapper;
    this.clock = clock;
    this.threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "status-http");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(threads);
    http.createContext("/", this::handle);
  }

  /**
   * Serves on {@code host:port} (0: a free port).
   *
   * @param status this node's view of the cluster, read for {@code /status.json}
   * @param metrics the Prometheus scrape, for {@code /metrics}
   */
  public static StatusServer start(
      String host,
      int port,
      Supplier<NodeStatus> status,
      Supplier<String> metrics,
      ObjectMapper mapper,
      Clock clock)
      throws IOException {
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (java.net.BindException e) {
      throw new java.net.BindException(
          "the HTTP port (--http-port) " + host + ":" + port + " is taken: " + e.getMessage());
    }
    StatusServer server = new StatusServer(http, host, status, metrics, mapper, clock);
    http.start();
    return server;
  }

  /** {@code host:port} it serves on. */
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().add("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "read-only: GET or HEAD\n");
        return;
      }
      String path = ex.getRequestURI().getPath();
      String[] file = FILES.get(path);
      if (file != null) {
        send(ex, 200, file[1], resource(file[0]));
      } else if (path.equals("/status.json")) {
        json(ex);
      } else if (path.equals("/metrics")) {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
      } else {
        send(ex, 404, "text/plain; charset=utf-8", "no such page: " + path + "\n");
      }
    } catch (RuntimeException e) {
      log.warn("status page: {} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e);
    }
  }

  private void json(HttpExchange ex) throws IOException {
    NodeStatus now;
    try {
      now = current();
    } catch (RuntimeException e) {
      send(
          ex,
          503,
          "application/json",
          mapper.writeValueAsString(Map.of("error", String.valueOf(e.getMessage()))));
      return;
    }
    send(ex, 200, "application/json", mapper.writeValueAsString(now));
  }

  /** The last status read, if it is fresh; else a new one. */
  private synchronized NodeStatus current() {
    if (last == null || clock.millis() - last.atMillis() >= FRESH_MILLIS) {
      last = status.get();
    }
    return last;
  }

  private static String resource(String name) {
    try (InputStream in = StatusServer.class.getResourceAsStream(PAGES + name)) {
      if (in == null) {
        throw new IllegalStateException("the node jar lacks its status page " + PAGES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var h = ex.getResponseHeaders();
    h.add("Content-Type", type);
    h.add("Cache-Control", "no-store");
    h.add("X-Content-Type-Options", "nosniff");
    h.add(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; frame-ancestors 'none'");
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(code, -1);
      return;
    }
    ex.sendResponseHeaders(code, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
