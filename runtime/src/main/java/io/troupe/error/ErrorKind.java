package io.troupe.error;

import java.util.function.Function;

/**
 * The kinds of {@link TroupeException}, by name: how an error crosses a node boundary and comes
 * back as the same exception type. The gRPC status of each kind is assigned in one place, the API's
 * status mapper.
 */
public enum ErrorKind {
  ACTOR_NOT_FOUND(ActorNotFoundException.class, ActorNotFoundException::new),
  ACTOR_ALREADY_EXISTS(ActorAlreadyExistsException.class, ActorAlreadyExistsException::new),
  ACTOR_NOT_RUNNING(ActorNotRunningException.class, ActorNotRunningException::new),
  ACTOR_RUNNING(ActorRunningException.class, ActorRunningException::new),
  CANCELLED(CancelledException.class, CancelledException::new),
  CHANNEL_REJECTED(ChannelRejectedException.class, ChannelRejectedException::new),
  DEADLINE_EXCEEDED(DeadlineExceededException.class, DeadlineExceededException::new),
  GUEST_ERROR(GuestErrorException.class, GuestErrorException::new),
  GUEST_FAULT(GuestFaultException.class, GuestFaultException::new),
  INVALID_MANIFEST(InvalidManifestException.class, InvalidManifestException::new),
  INVALID_MODULE(InvalidModuleException.class, InvalidModuleException::new),
  INVALID_ARGUMENT(InvalidArgumentException.class, InvalidArgumentException::new),
  LIMIT_EXCEEDED(LimitExceededException.class, LimitExceededException::new),
  MESSAGE_ID_REUSED(MessageIdReusedException.class, MessageIdReusedException::new),
  PERMISSION_DENIED(PermissionDeniedException.class, PermissionDeniedException::new),
  REQUEST_CYCLE(RequestCycleException.class, RequestCycleException::new),
  STALE_APPEND(StaleAppendException.class, StaleAppendException::new),
  UNAUTHENTICATED(UnauthenticatedException.class, UnauthenticatedException::new),
  UNAVAILABLE(UnavailableException.class, UnavailableException::new),
  INTERNAL(null, InternalException::new);

  private final Class<? extends TroupeException> type;
  private final Function<String, TroupeException> create;

  ErrorKind(Class<? extends TroupeException> type, Function<String, TroupeException> create) {
    this.type = type;
    this.create = create;
  }

  /** The kind of {@code e}: its most specific listed class; INTERNAL for anything else. */
  public static ErrorKind of(Throwable e) {
    for (ErrorKind k : values()) {
      if (k.type != null && k.type == e.getClass()) {
        return k;
      }
    }
    for (ErrorKind k : values()) {
      if (k.type != null && k.type.isInstance(e)) {
        return k;
      }
    }
    return INTERNAL;
  }

  /** Looks a kind up by name; INTERNAL for a name this version does not know. */
  public static ErrorKind named(String name) {
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      return INTERNAL;
    }
  }

  /** A new exception of this kind. */
  public TroupeException toException(String message) {
    return create.apply(message);
  }
}
