package io.troupe.server;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the node's meters in Prometheus's text format. */
final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer http;
  private final String host;

  private MetricsEndpoint(HttpServer http, String host) {
    this.http = http;
    this.host = host;
  }

  /** Serves on {@code host:port} (0: a free port). */
  static MetricsEndpoint start(String host, int port, PrometheusMeterRegistry meters)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    http.createContext(
        "/metrics",
        ex -> {
          byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    http.start();
    return new MetricsEndpoint(http, host);
  }

  String address() {
    return host + ":" + http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
