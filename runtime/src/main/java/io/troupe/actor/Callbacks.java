package io.troupe.actor;

/** Names of the callbacks of guest ABI v1 (docs/abi.md). */
public final class Callbacks {
  public static final String INIT = "troupe:actor/actor.init";
  private static final String MSG = "troupe:actor/message-server-client.";
  public static final String HANDLE_SEND = MSG + "handle-send";
  public static final String HANDLE_REQUEST = MSG + "handle-request";
  public static final String HANDLE_CHANNEL_OPEN = MSG + "handle-channel-open";
  public static final String HANDLE_CHANNEL_MESSAGE = MSG + "handle-channel-message";
  public static final String HANDLE_CHANNEL_CLOSE = MSG + "handle-channel-close";
  public static final String HANDLE_RESULT = "troupe:actor/async-client.handle-result";
  private static final String SUP = "troupe:actor/supervisor-handlers.";
  public static final String HANDLE_CHILD_ERROR = SUP + "handle-child-error";
  public static final String HANDLE_CHILD_EXIT = SUP + "handle-child-exit";
  public static final String HANDLE_CHILD_EXTERNAL_STOP = SUP + "handle-child-external-stop";

  private Callbacks() {}
}
