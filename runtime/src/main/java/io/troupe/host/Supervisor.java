package io.troupe.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The supervisor capability of one actor: its children, spawned from manifests. */
public interface Supervisor {
  /**
   * Starts a child and waits (parking only this actor) until its {@code init} has run.
   *
   * @param manifest a manifest path, relative to this actor's manifest, or inline TOML
   * @param initState the child's initial state, or null for the manifest's
   * @return the child's id
   */
  String spawn(String manifest, JsonNode initState);

  /** Stops a child (and its children); the parent gets no callback for it. */
  void stopChild(String childId);

  /**
   * Restarts a child in a fresh instance, from its last verified state unless the policy says
   * fresh.
   */
  void restartChild(String childId);

  List<String> listChildren();

  /** The child's state, or null for none. */
  JsonNode childState(String childId);

  /** The child's chain, each event as its JSON-lines object. */
  JsonNode childEvents(String childId);
}
