package io.troupe.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.troupe.access.Principal;
import io.troupe.access.Right;
import io.troupe.access.Tokens;
import io.troupe.error.PermissionDeniedException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnauthenticatedException;
import io.troupe.transport.PeerIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a client call runs for. On the client port every call must present a bearer token ({@code
 * authorization: Bearer TOKEN}) when the node has tokens: a missing or unknown one is refused with
 * UNAUTHENTICATED before the request is read, a role without the call's {@link Right} with
 * PERMISSION_DENIED. The call's {@link Principal} is then in its context, where the service checks
 * the actor a call touches ({@link #current()}). Calls that members forward to an actor's home were
 * checked on the node they entered; they are taken only from a current member.
 */
final class Authentication {
  private static final Logger log = LoggerFactory.getLogger(Authentication.class);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Principal> PRINCIPAL = Context.key("troupe-principal");
  private static final String BEARER = "Bearer ";

  /**
   * The right each call of {@code troupe.v1.Troupe} needs, by method name. A call missing here
   * needs {@link Right#ADMIN} ({@link #required}): a new RPC is denied to every other role until it
   * is listed.
   */
  static final Map<String, Right> RIGHTS =
      Map.ofEntries(
          Map.entry("UploadModule", Right.DEPLOY),
          Map.entry("StartActor", Right.DEPLOY),
          Map.entry("StopActor", Right.DEPLOY),
          Map.entry("RestartActor", Right.DEPLOY),
          Map.entry("RemoveActor", Right.DEPLOY),
          Map.entry("UpgradeActor", Right.DEPLOY),
          Map.entry("Send", Right.CALL),
          Map.entry("Request", Right.CALL),
          Map.entry("OpenChannel", Right.CALL),
          Map.entry("ListActors", Right.READ),
          Map.entry("DescribeActor", Right.READ),
          Map.entry("SubscribeChain", Right.READ),
          Map.entry("GetChain", Right.READ),
          Map.entry("VerifyChain", Right.READ),
          Map.entry("ReplayActor", Right.READ),
          Map.entry("GetHead", Right.READ),
          Map.entry("GetState", Right.READ),
          Map.entry("ClusterStatus", Right.STATUS));

  private Authentication() {}

  /** The right the call {@code method} (a bare method name) needs: admin when it is not listed. */
  static Right required(String method) {
    return RIGHTS.getOrDefault(method, Right.ADMIN);
  }

  /** The principal of the call running now (denies everything outside a call). */
  static Principal current() {
    Principal p = PRINCIPAL.get();
    if (p == null) {
      throw new PermissionDeniedException("no caller is known for this call");
    }
    return p;
  }

  /** Authenticates client calls with {@code tokens} (every call is allowed when there are none). */
  static ServerInterceptor clients(Tokens tokens) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Principal who;
        try {
          who = principal(tokens, headers.get(AUTHORIZATION));
          who.require(required(call.getMethodDescriptor().getBareMethodName()));
        } catch (TroupeException e) {
          var status = Statuses.toStatus(e);
          call.close(status.getStatus(), status.getTrailers());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(
            Context.current().withValue(PRINCIPAL, who), call, headers, next);
      }
    };
  }

  /**
   * Marks calls forwarded by members: the node they entered checked them. With cluster TLS the
   * caller's certificate must name a current member ({@code isMember}), as a node link's must: the
   * cluster's CA signing it is not enough. Without TLS the network is trusted.
   */
  static ServerInterceptor members(Predicate<String> isMember) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Optional<List<String>> names = PeerIdentity.names();
        if (names.isPresent() && names.get().stream().noneMatch(isMember)) {
          log.warn(
              "refused a forwarded {}: its certificate names {}, no member",
              call.getMethodDescriptor().getBareMethodName(),
              names.get());
          var status =
              Statuses.toStatus(
                  new PermissionDeniedException(
                      "forwarded call refused: the certificate presented names no member of this"
                          + " cluster ("
                          + String.join(", ", names.get())
                          + ")"));
          call.close(status.getStatus(), status.getTrailers());
          return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(
            Context.current().withValue(PRINCIPAL, Principal.MEMBER), call, headers, next);
      }
    };
  }

  private static Principal principal(Tokens tokens, String authorization) {
    if (!tokens.required()) {
      return Principal.OPEN;
    }
    if (authorization == null) {
      throw new UnauthenticatedException(
          "this node needs a token: send 'authorization: Bearer TOKEN' (troupe --token, or"
              + " $TROUPE_TOKEN)");
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new UnauthenticatedException("the authorization header must be 'Bearer TOKEN'");
    }
    Optional<Principal> who = tokens.authenticate(authorization.substring(BEARER.length()).trim());
    return who.orElseThrow(() -> new UnauthenticatedException("unknown token"));
  }
}
