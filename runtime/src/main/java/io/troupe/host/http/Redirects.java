package io.troupe.host.http;

import io.troupe.error.InvalidArgumentException;
import io.troupe.policy.Networks;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Redirects, followed by the HTTP client itself so that each is checked like the first request: at
 * most {@value #MAX}, only to hosts the actor may reach and the node's policy allows, with
 * credentials kept to their origin.
 */
final class Redirects {
  /** Redirects followed at most. */
  static final int MAX = 5;

  private Redirects() {}

  /** The request a redirect response asks for, checked like the first; empty for no redirect. */
  static Optional<HttpRequest> next(
      HttpRequest sent,
      HttpResponse<?> response,
      Set<String> hosts,
      Duration timeout,
      Networks networks,
      int redirects) {
    int status = response.statusCode();
    Optional<String> location = response.headers().firstValue("location");
    if (!List.of(301, 302, 303, 307, 308).contains(status) || location.isEmpty()) {
      return Optional.empty();
    }
    if (redirects >= MAX) {
      throw new InvalidArgumentException("more than " + MAX + " redirects");
    }
    URI target;
    try {
      target = sent.uri().resolve(location.get());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("bad redirect location '" + location.get() + "'");
    }
    String host = target.getHost() == null ? "" : target.getHost().toLowerCase(Locale.ROOT);
    if (!("http".equals(target.getScheme()) || "https".equals(target.getScheme()))) {
      throw new InvalidArgumentException("redirect to a non-http(s) url: " + target);
    }
    if (!HttpClientHandler.allowed(hosts, host)) {
      throw new InvalidArgumentException(
          "redirect to host '"
              + host
              + "', which is not in this actor's http-client allowed_hosts");
    }
    networks.checkHttp(host);
    // 307 and 308 repeat the request; 303 (and 301/302 after a POST, as browsers do) become a GET
    boolean repeat =
        status == 307
            || status == 308
            || (status != 303 && (sent.method().equals("GET") || sent.method().equals("HEAD")));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(sent.timeout().orElse(timeout))
            .method(
                repeat ? sent.method() : "GET",
                repeat
                    ? sent.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody())
                    : HttpRequest.BodyPublishers.noBody());
    boolean sameOrigin =
        host.equals(sent.uri().getHost().toLowerCase(Locale.ROOT))
            && target.getPort() == sent.uri().getPort()
            && target.getScheme().equals(sent.uri().getScheme());
    sent.headers()
        .map()
        .forEach(
            (name, values) -> {
              // credentials go to the same origin only
              if (sameOrigin || !Credentials.sensitive(name)) {
                values.forEach(v -> b.header(name, v));
              }
            });
    return Optional.of(b.build());
  }
}
