package io.troupe.actor;

/** Names of the callbacks of guest ABI v1 (docs/abi.md). */
public final class Callbacks {
  public static final String INIT = "troupe:actor/actor.init";
  public static final String HANDLE_SEND = "troupe:actor/message-server-client.handle-send";
  public static final String HANDLE_REQUEST = "troupe:actor/message-server-client.handle-request";

  private Callbacks() {}
}
