package io.troupe.actor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that means to leave some of its actors' work open when it ends, which {@link ActorSystems}
 * would otherwise report.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface LeavesOpen {
  /** What the test leaves open on purpose. */
  What[] value();

  /** Why, for the reader. */
  String because();

  enum What {
    /** Operations in flight (timers, HTTP requests, dispatched work). */
    OPERATIONS,
    /** Channels. */
    CHANNELS,
    /** Requests an actor deferred and has not answered. */
    REQUESTS,
    /** Turns parked on other actors. */
    PARKED_TURNS
  }
}
