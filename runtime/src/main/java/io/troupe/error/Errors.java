package io.troupe.error;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for errors that went through futures. */
public final class Errors {
  private Errors() {}

  /** The error a future failed with, without its {@link CompletionException} wrapper. */
  public static RuntimeException unwrap(Throwable e) {
    Throwable t =
        (e instanceof CompletionException || e instanceof ExecutionException)
                && e.getCause() != null
            ? e.getCause()
            : e;
    return t instanceof RuntimeException r ? r : new CompletionException(t);
  }
}
