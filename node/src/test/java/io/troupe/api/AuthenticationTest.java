package io.troupe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.MethodDescriptor;
import io.troupe.access.Principal;
import io.troupe.access.Right;
import io.troupe.access.Role;
import io.troupe.error.PermissionDeniedException;
import io.troupe.proto.v1.TroupeGrpc;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every call of the client API needs a right named for it; one nobody named needs admin. */
class AuthenticationTest {
  @Test
  void everyCallOfTheServiceHasItsOwnEntry() {
    List<String> calls =
        TroupeGrpc.getServiceDescriptor().getMethods().stream()
            .map(MethodDescriptor::getBareMethodName)
            .toList();
    assertThat(calls).isNotEmpty();
    assertThat(Authentication.RIGHTS.keySet())
        .as("the rights table lists exactly the service's calls")
        .containsExactlyInAnyOrderElementsOf(calls);
  }

  @Test
  void lifecycleCallsNeedDeploy_andReplayAndHeadNeedRead() {
    for (String call : List.of("RestartActor", "RemoveActor", "UpgradeActor")) {
      assertThat(Authentication.required(call)).as(call).isEqualTo(Right.DEPLOY);
    }
    for (String call : List.of("ReplayActor", "GetHead")) {
      assertThat(Authentication.required(call)).as(call).isEqualTo(Right.READ);
    }
  }

  @Test
  void aCallMissingFromTheTableNeedsAdmin() {
    assertThat(Authentication.required("SomeFutureCall")).isEqualTo(Right.ADMIN);
    for (Role role : List.of(Role.DEPLOYER, Role.CALLER, Role.READER)) {
      Principal p = new Principal("t", role, List.of(), OptionalInt.empty());
      assertThatThrownBy(() -> p.require(Right.ADMIN))
          .as(role.toString())
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("that needs admin");
    }
    new Principal("ops", Role.ADMIN, List.of(), OptionalInt.empty()).require(Right.ADMIN);
  }
}
