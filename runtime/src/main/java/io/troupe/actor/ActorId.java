package io.troupe.actor;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An actor's id: a UUID or a user-chosen name of 1 to 128 characters from {@code [A-Za-z0-9._:-]}.
 */
public record ActorId(String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  public ActorId {
    Objects.requireNonNull(value, "value");
    if (!VALID.matcher(value).matches()) {
      throw new io.troupe.error.InvalidArgumentException(
          "invalid actor id '"
              + (value.length() > 140 ? value.substring(0, 128) + "…" : value)
              + "': use 1 to 128 characters from A-Z a-z 0-9 . _ : -");
    }
  }

  public static ActorId of(String value) {
    return new ActorId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
