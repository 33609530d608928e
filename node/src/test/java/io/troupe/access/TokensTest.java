package io.troupe.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.troupe.actor.ActorId;
import io.troupe.error.InvalidArgumentException;
import io.troupe.error.PermissionDeniedException;
import org.junit.jupiter.api.Test;

class TokensTest {
  private static Tokens parse(String toml) throws Exception {
    return Tokens.parse(new TomlMapper().readTree(toml), "tokens.toml");
  }

  @Test
  void aTokenIsFoundByItsSecretAndGrantsItsRoleOnItsActors() throws Exception {
    Tokens tokens =
        parse(
            """
            [[token]]
            name = "app"
            secret = "0123456789abcdef-app"
            role = "caller"
            actors = ["orders-", "billing-"]
            """);
    assertThat(tokens.required()).isTrue();
    Principal app = tokens.authenticate("0123456789abcdef-app").orElseThrow();
    assertThat(tokens.authenticate("0123456789abcdef-ap")).isEmpty();
    app.require(Right.CALL, ActorId.of("orders-7"));
    assertThat(app.sees(ActorId.of("billing-1"))).isTrue();
    assertThatThrownBy(() -> app.require(Right.CALL, ActorId.of("payroll")))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("only ids starting with [orders-, billing-]");
    assertThatThrownBy(() -> app.require(Right.DEPLOY))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("token 'app' (role caller)");
  }

  @Test
  void malformedTokensAreRefusedByName() {
    assertThatThrownBy(() -> parse("[[token]]\nsecret = \"short\"\nrole = \"admin\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> parse("[[token]]\nsecret = \"0123456789abcdefgh\"\nrole = \"root\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("role must be admin, deployer, caller or reader");
    assertThatThrownBy(
            () ->
                parse(
                    "[[token]]\nsecret = \"0123456789abcdefgh\"\nrole = \"admin\"\nactor = [\"a\"]\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown key 'actor'");
    assertThatThrownBy(() -> parse("title = \"x\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("no tokens");
    assertThatThrownBy(
            () ->
                parse(
                    "[[token]]\nsecret = \"0123456789abcdefgh\"\nrole = \"admin\"\n"
                        + "[[token]]\nsecret = \"0123456789abcdefgh\"\nrole = \"reader\"\n"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("the same secret twice");
  }
}
