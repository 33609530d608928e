package io.troupe.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.troupe.error.ErrorKind;
import io.troupe.error.Errors;

/**
 * The one place where Troupe's errors become gRPC statuses. Each {@link ErrorKind} has one code;
 * the kind's name also travels in the {@value #KIND_KEY} trailer so that a client (or a node that
 * forwarded the call) can tell, say, a stale append from a plain unavailable node.
 */
public final class Statuses {
  public static final String KIND_KEY = "troupe-error-kind";
  public static final Metadata.Key<String> KIND =
      Metadata.Key.of(KIND_KEY, Metadata.ASCII_STRING_MARSHALLER);

  private Statuses() {}

  public static Status.Code code(ErrorKind kind) {
    return switch (kind) {
      case ACTOR_NOT_FOUND -> Status.Code.NOT_FOUND;
      case ACTOR_ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case ACTOR_NOT_RUNNING, CHANNEL_REJECTED, MESSAGE_ID_REUSED, REQUEST_CYCLE ->
          Status.Code.FAILED_PRECONDITION;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case CANCELLED -> Status.Code.CANCELLED;
      case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
      case GUEST_ERROR, GUEST_FAULT -> Status.Code.ABORTED;
      case INVALID_MANIFEST, INVALID_MODULE, INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case LIMIT_EXCEEDED -> Status.Code.RESOURCE_EXHAUSTED;
      case STALE_APPEND, UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  /** {@code error} as a status exception, with its kind in the trailers. */
  public static StatusRuntimeException toStatus(Throwable error) {
    Throwable e = Errors.unwrap(error);
    if (e instanceof StatusRuntimeException s) {
      return s; // from a node this call was forwarded to: already mapped there
    }
    if (e instanceof StatusException s) {
      return new StatusRuntimeException(s.getStatus(), s.getTrailers());
    }
    ErrorKind kind = ErrorKind.of(e);
    Metadata trailers = new Metadata();
    trailers.put(KIND, kind.name());
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Status status = Status.fromCode(code(kind)).withDescription(message);
    if (kind == ErrorKind.INTERNAL) {
      status = status.withCause(e);
    }
    return status.asRuntimeException(trailers);
  }
}
