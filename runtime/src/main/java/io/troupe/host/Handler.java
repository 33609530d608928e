package io.troupe.host;

import io.troupe.wasm.HostRegistry;

/** A host capability bound to one actor: registers the functions of its interface(s). */
public interface Handler {
  /** Registers this handler's host functions for the actor of {@code context}. */
  void register(HostRegistry registry, HostContext context);
}
