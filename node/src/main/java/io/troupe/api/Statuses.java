package io.troupe.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.troupe.error.ErrorKind;
import io.troupe.error.Errors;
import io.troupe.error.InvalidArgumentException;

/**
 * The one place where Troupe's errors become gRPC statuses. Each {@link ErrorKind} has one code;
 * the kind's name also travels in the {@value #KIND_KEY} trailer so that a client (or a node that
 * forwarded the call) can tell, say, a stale append from a plain unavailable node; and the status
 * carries {@code google.rpc.Status} details ({@code ErrorInfo}, {@code BadRequest}) for clients in
 * any language.
 */
public final class Statuses {
  public static final String KIND_KEY = "troupe-error-kind";
  public static final Metadata.Key<String> KIND =
      Metadata.Key.of(KIND_KEY, Metadata.ASCII_STRING_MARSHALLER);

  /** The {@code ErrorInfo} domain of Troupe's errors. */
  public static final String DOMAIN = "troupe.io";

  private Statuses() {}

  public static Status.Code code(ErrorKind kind) {
    return switch (kind) {
      case ACTOR_NOT_FOUND -> Status.Code.NOT_FOUND;
      case ACTOR_ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case ACTOR_NOT_RUNNING, ACTOR_RUNNING, CHANNEL_REJECTED, MESSAGE_ID_REUSED, REQUEST_CYCLE ->
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
    return StatusProto.toStatusRuntimeException(details(kind, message, e), trailers);
  }

  /**
   * The status as {@code google.rpc.Status} (the {@code grpc-status-details-bin} trailer): an
   * {@code ErrorInfo} with the kind as its reason, and for a request field at fault a {@code
   * BadRequest} naming it.
   */
  private static com.google.rpc.Status details(ErrorKind kind, String message, Throwable e) {
    com.google.rpc.Status.Builder s =
        com.google.rpc.Status.newBuilder()
            .setCode(code(kind).value())
            .setMessage(message)
            .addDetails(
                Any.pack(ErrorInfo.newBuilder().setReason(kind.name()).setDomain(DOMAIN).build()));
    if (e instanceof InvalidArgumentException ia && ia.field().isPresent()) {
      s.addDetails(
          Any.pack(
              BadRequest.newBuilder()
                  .addFieldViolations(
                      BadRequest.FieldViolation.newBuilder()
                          .setField(ia.field().get())
                          .setDescription(message))
                  .build()));
    }
    return s.build();
  }
}
