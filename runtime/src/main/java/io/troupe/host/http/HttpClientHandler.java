package io.troupe.host.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.LimitExceededException;
import io.troupe.host.AsyncOperations;
import io.troupe.host.Handler;
import io.troupe.host.HandlerCatalog;
import io.troupe.host.HandlerFactory;
import io.troupe.host.HostContext;
import io.troupe.policy.Networks;
import io.troupe.wasm.HostRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * {@code troupe:actor/http-client}: {@code send-http([request])} starts the request and returns an
 * op id at once (operation splitting); the response arrives as {@code handle-result}. Settings:
 * {@code allowed_hosts} (host names the actor may reach; {@code "*"} for any; default none), {@code
 * timeout_ms} (default 10000), {@code max_response_bytes} (default 1 MiB).
 *
 * <p>Request: {@code {"method": "GET", "url": "...", "headers": {..}, "body": "text"}} (method
 * defaults to GET). Response: {@code {"status": 200, "headers": {name: value}, "body": "text"}}, or
 * {@code "body_base64"} instead of {@code body} when the body is not UTF-8.
 *
 * <p>Headers that carry credentials ({@code authorization}, {@code proxy-authorization}, {@code
 * cookie}, {@code x-api-key}, {@code x-auth-token}, and those a request lists in {@code
 * "sensitive_headers"}) are sent as given and recorded in the chain as {@code "<redacted>"}; such a
 * request is not sent again from the chain after a failover (docs/chain.md, "Secrets").
 *
 * <p>Redirects (at most {@value Redirects#MAX}) are followed only to hosts the actor may reach; the
 * runner checks every URL against the actor's {@code allowed_hosts}, wherever it runs, and against
 * the {@link Networks} of the node it runs on (its policy's {@code http_hosts} and private ranges):
 * work another node sent names the allowed hosts itself, and is not trusted for them.
 *
 * <p>Requests are dispatched: they run on the least-loaded node. If that node dies while a request
 * is in flight, an idempotent request (GET, PUT, DELETE, HEAD, OPTIONS) is sent again from another
 * node; any other completes with an error.
 */
public final class HttpClientHandler implements HandlerFactory {
  public static final String INTERFACE = "troupe:actor/http-client";
  private static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  /** Methods that RFC 9110 defines as idempotent: sent again when the actor moves mid-request. */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "PUT", "DELETE", "HEAD", "OPTIONS");

  static final String KIND = "http-client.send-http";

  record Request(JsonNode request) {}

  private record Settings(Set<String> hosts, Duration timeout, int maxBytes) {}

  private volatile HttpClient client;
  private final Networks networks;

  /** Every address reachable (no policy). */
  public HttpClientHandler() {
    this(Networks.OPEN);
  }

  /**
   * Requests only where {@code networks} allows (hosts and addresses), checked on the node that
   * sends them, for every redirect too.
   */
  public HttpClientHandler(Networks networks) {
    this.networks = networks;
  }

  @Override
  public String type() {
    return "http-client";
  }

  @Override
  public Set<String> interfaces() {
    return Set.of(INTERFACE);
  }

  @Override
  public Handler create(ObjectNode config) {
    HandlerCatalog.onlyKeys(config, Set.of("allowed_hosts", "timeout_ms", "max_response_bytes"));
    Set<String> hosts = new HashSet<>();
    JsonNode allowed = config.get("allowed_hosts");
    if (allowed != null) {
      if (!allowed.isArray()) {
        throw new IllegalArgumentException("allowed_hosts must be an array of host names");
      }
      allowed.forEach(h -> hosts.add(h.asText().toLowerCase(Locale.ROOT)));
    }
    Settings s =
        new Settings(
            Set.copyOf(hosts),
            Duration.ofMillis(HandlerCatalog.positiveInt(config, "timeout_ms", 10_000)),
            HandlerCatalog.positiveInt(config, "max_response_bytes", 1 << 20));
    return (registry, ctx) -> register(registry, ctx, s);
  }

  private void register(HostRegistry r, HostContext ctx, Settings s) {
    r.registerFunction(
        INTERFACE,
        "send-http",
        Request.class,
        String.class,
        p -> {
          HttpRequest request = toRequest(p.request(), s); // checked here, against the manifest
          ObjectNode work = JsonNodeFactory.instance.objectNode();
          work.set("request", p.request());
          work.put("timeout_ms", s.timeout().toMillis());
          work.put("max_response_bytes", s.maxBytes());
          ArrayNode hosts = work.putArray("allowed_hosts");
          s.hosts().stream().sorted().forEach(hosts::add);
          ObjectNode recorded = work.deepCopy();
          if (Credentials.redact((ObjectNode) recorded.get("request"))) {
            recorded.put(AsyncOperations.REDACTED, true);
          }
          // dispatched: it may run on any node; if that node dies, it is sent again elsewhere
          // only when its method is idempotent (and the chain holds all of it)
          return ctx.async()
              .dispatch(
                  KIND,
                  work,
                  recorded,
                  IDEMPOTENT.contains(request.method()),
                  s.timeout().plusSeconds(5));
        });
    r.redact(
        INTERFACE,
        "send-http",
        HostRegistry.Redaction.ofInput(
            input -> {
              if (!input.isArray() || !input.path(0).isObject()) {
                return input;
              }
              JsonNode copy = input.deepCopy();
              return Credentials.redact((ObjectNode) copy.get(0)) ? copy : input;
            }));
  }

  @Override
  public void runners(io.troupe.dispatch.Runners runners) {
    runners.register(
        KIND,
        (work, abandoned) -> {
          Set<String> hosts = new HashSet<>();
          work.path("allowed_hosts").forEach(h -> hosts.add(h.asText()));
          Settings s =
              new Settings(
                  Set.copyOf(hosts), // checked again here: the work may come from another node
                  Duration.ofMillis(work.path("timeout_ms").asLong(10_000)),
                  work.path("max_response_bytes").asInt(1 << 20));
          HttpRequest request = toRequest(work.get("request"), s);
          // and against this node's own policy, whatever the work says
          networks.checkHttp(request.uri().getHost());
          return send(request, s, 0);
        });
  }

  /** Whether an actor whose {@code allowed_hosts} are {@code hosts} may reach {@code host}. */
  static boolean allowed(Set<String> hosts, String host) {
    return hosts.contains("*") || hosts.contains(host);
  }

  private HttpRequest toRequest(JsonNode spec, Settings s) {
    if (spec == null || !spec.isObject()) {
      throw new InvalidArgumentException("request must be an object with at least a url");
    }
    String url = spec.path("url").asText("");
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("bad url '" + url + "': " + e.getMessage());
    }
    if (uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new InvalidArgumentException("url must be http(s)://host/..., got '" + url + "'");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (!allowed(s.hosts(), host)) {
      throw new InvalidArgumentException(
          "host '" + host + "' is not in this actor's http-client allowed_hosts");
    }
    String method = spec.path("method").asText("GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new InvalidArgumentException("unsupported method " + method);
    }
    JsonNode body = spec.get("body");
    HttpRequest.BodyPublisher publisher =
        body == null || body.isNull()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(
                body.isTextual() ? body.asText() : body.toString());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(s.timeout()).method(method, publisher);
    JsonNode headers = spec.get("headers");
    if (headers != null && headers.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> h = it.next();
        try {
          b.header(h.getKey(), h.getValue().asText());
        } catch (IllegalArgumentException e) {
          throw new InvalidArgumentException("header " + h.getKey() + ": " + e.getMessage());
        }
      }
    }
    return b.build();
  }

  /**
   * Sends {@code request}; a redirect is followed (as a new request, re-checked against the allowed
   * hosts) up to {@value Redirects#MAX} times.
   */
  private CompletableFuture<JsonNode> send(HttpRequest request, Settings s, int redirects) {
    CompletableFuture<HttpResponse<byte[]>> exchange =
        client().sendAsync(request, info -> new Limited(s.maxBytes()));
    CompletableFuture<JsonNode> out =
        exchange.thenCompose(
            response -> {
              Optional<HttpRequest> next =
                  Redirects.next(request, response, s.hosts(), s.timeout(), networks, redirects);
              return next.isPresent()
                  ? send(next.get(), s, redirects + 1)
                  : CompletableFuture.completedFuture(toJson(response));
            });
    // abandoned (cancelled, or past its deadline): the exchange is cancelled too, which closes it
    out.whenComplete(
        (v, e) -> {
          if (e != null) {
            exchange.cancel(true);
          }
        });
    return out;
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          client =
              HttpClient.newBuilder()
                  .followRedirects(HttpClient.Redirect.NEVER) // followed here, host by host
                  .connectTimeout(Duration.ofSeconds(10))
                  .build();
        }
        c = client;
      }
    }
    return c;
  }

  private static JsonNode toJson(HttpResponse<byte[]> response) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    out.put("status", response.statusCode());
    ObjectNode headers = out.putObject("headers");
    response
        .headers()
        .map()
        .forEach(
            (k, v) -> {
              if (!k.startsWith(":")) {
                headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v));
              }
            });
    byte[] body = response.body();
    try {
      out.put(
          "body",
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString());
    } catch (CharacterCodingException e) {
      out.put("body_base64", Base64.getEncoder().encodeToString(body));
    }
    return out;
  }

  /** Collects the body, failing once it passes {@code max} bytes instead of buffering it all. */
  private static final class Limited implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Limited(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (bytes.size() + b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(
              new LimitExceededException(
                  "response body exceeds max_response_bytes (" + max + " bytes)"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
