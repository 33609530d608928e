package io.troupe.api;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.error.UnavailableException;
import io.troupe.home.NodeRef;
import io.troupe.home.Placement;
import io.troupe.proto.v1.TroupeGrpc;
import java.util.Optional;
import java.util.function.Function;

/**
 * Client calls about one actor (start, stop, subscribe) that must run on its home: where {@link
 * Placement} says that is, and the forwarding of the call there. A forwarded call carries its hop
 * count, so that it is forwarded at most {@link #MAX_HOPS} times in all (to the partition's owner,
 * then to the node its record names: a spawned child lives beside its parent).
 */
final class Forwarding {
  static final int MAX_HOPS = 2;
  static final Metadata.Key<String> HOPS =
      Metadata.Key.of("troupe-hops", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Integer> HOPS_SO_FAR = Context.key("troupe-hops");

  private final Placement placement;
  private final Function<NodeRef, Channel> channels;

  Forwarding(Placement placement, Function<NodeRef, Channel> channels) {
    this.placement = placement;
    this.channels = channels;
  }

  /** Reads the hop count of calls that other nodes forwarded here. */
  static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context ctx = Context.current().withValue(HOPS_SO_FAR, hops(headers.get(HOPS)));
        return Contexts.interceptCall(ctx, call, headers, next);
      }
    };
  }

  private static int hops(String header) {
    try {
      return header == null ? 0 : Math.max(0, Integer.parseInt(header));
    } catch (NumberFormatException e) {
      return MAX_HOPS; // a malformed count is not forwarded again
    }
  }

  /**
   * The stub to actor {@code id}'s home when that is another node, or empty when the call runs
   * here.
   *
   * @throws UnavailableException when the actor has no home right now, or the call was forwarded
   *     enough times already (the actor is moving)
   */
  Optional<TroupeGrpc.TroupeStub> home(ActorId id) {
    Placement.Home home = placement.locate(id);
    if (home instanceof Placement.Retry retry) {
      throw new UnavailableException(retry.why());
    }
    if (!(home instanceof Placement.There there)) {
      return Optional.empty(); // here (or ended: answered here)
    }
    int sofar = HOPS_SO_FAR.get() == null ? 0 : HOPS_SO_FAR.get();
    if (sofar >= MAX_HOPS) {
      throw new UnavailableException(
          "actor " + id + " is moving: it is not on the nodes this call was sent to; retry");
    }
    return Optional.of(stub(channels.apply(there.node()), sofar + 1));
  }

  /** A stub whose calls carry their hop count. */
  private static TroupeGrpc.TroupeStub stub(Channel channel, int hops) {
    return TroupeGrpc.newStub(
        ClientInterceptors.intercept(
            channel,
            new ClientInterceptor() {
              @Override
              public <Q, R> ClientCall<Q, R> interceptCall(
                  MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(
                    next.newCall(method, options)) {
                  @Override
                  public void start(Listener<R> listener, Metadata headers) {
                    headers.put(HOPS, Integer.toString(hops));
                    super.start(listener, headers);
                  }
                };
              }
            }));
  }

  /** Passes a forwarded unary call's outcome through, status and all. */
  static <T> StreamObserver<T> relay(StreamObserver<T> out) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        out.onNext(value);
      }

      @Override
      public void onError(Throwable t) {
        out.onError(Statuses.toStatus(t));
      }

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  /** Relays a forwarded server stream, cancelling it upstream when our client goes away. */
  static <Q, R> ClientResponseObserver<Q, R> relayStream(ServerCallStreamObserver<R> out) {
    return new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Q> upstream) {
        out.setOnCancelHandler(() -> upstream.cancel("client went away", null));
      }

      @Override
      public void onNext(R value) {
        out.onNext(value);
      }

      @Override
      public void onError(Throwable t) {
        if (!out.isCancelled()) {
          out.onError(Statuses.toStatus(t));
        }
      }

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }
}
