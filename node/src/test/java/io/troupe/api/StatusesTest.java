package io.troupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.error.ErrorKind;
import io.troupe.error.TroupeException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StatusesTest {
  @Test
  void everyKindMapsToItsCodeAndTravelsBackAsTheSameException() {
    for (ErrorKind kind : ErrorKind.values()) {
      TroupeException e = kind.toException("what happened");
      assertThat(ErrorKind.of(e)).isEqualTo(kind);
      StatusRuntimeException s = Statuses.toStatus(new CompletionException(e));
      assertThat(s.getStatus().getCode()).isEqualTo(Statuses.code(kind));
      assertThat(s.getStatus().getDescription()).isEqualTo("what happened");
      assertThat(s.getTrailers().get(Statuses.KIND)).isEqualTo(kind.name());
    }
    assertThat(Statuses.code(ErrorKind.ACTOR_NOT_FOUND)).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(Statuses.code(ErrorKind.INVALID_MANIFEST)).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Statuses.code(ErrorKind.STALE_APPEND)).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void anythingElseIsInternalAndAForwardedStatusPassesThrough() {
    assertThat(Statuses.toStatus(new IllegalStateException("boom")).getStatus().getCode())
        .isEqualTo(Status.Code.INTERNAL);
    StatusRuntimeException forwarded = Status.NOT_FOUND.withDescription("x").asRuntimeException();
    assertThat(Statuses.toStatus(forwarded)).isSameAs(forwarded);
  }
}
