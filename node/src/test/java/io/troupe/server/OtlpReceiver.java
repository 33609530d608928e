package io.troupe.server;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.troupe.testing.FreePorts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A test OTLP receiver: the collector's logs service on a free port, keeping the records it
 * accepted; it can refuse the first requests (UNAVAILABLE), as a collector that is down does.
 */
final class OtlpReceiver implements AutoCloseable {
  /** A record received: its attributes (strings and integers as text), body and time. */
  record Received(Map<String, String> attributes, String body, long timeNanos) {
    String actor() {
      return attributes.get("troupe.actor");
    }

    long seq() {
      return Long.parseLong(attributes.get("troupe.seq"));
    }
  }

  private final Server server;
  private final int port;
  private final List<Received> received = new ArrayList<>(); // guarded by itself
  private final AtomicInteger refuse = new AtomicInteger();

  private OtlpReceiver(int port) throws IOException {
    this.port = port;
    this.server =
        Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
            .addService(new Service())
            .build()
            .start();
  }

  static OtlpReceiver start() throws IOException {
    return new OtlpReceiver(FreePorts.next());
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Refuses the next {@code n} export requests. */
  void refuse(int n) {
    refuse.set(n);
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  List<Received> of(String actor) {
    return received().stream().filter(r -> actor.equals(r.actor())).toList();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private final class Service extends LogsServiceGrpc.LogsServiceImplBase {
    @Override
    public void export(
        ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> out) {
      if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        out.onError(Status.UNAVAILABLE.withDescription("refused by the test").asException());
        return;
      }
      List<Received> got = new ArrayList<>();
      for (ResourceLogs rl : request.getResourceLogsList()) {
        for (ScopeLogs sl : rl.getScopeLogsList()) {
          for (LogRecord r : sl.getLogRecordsList()) {
            Map<String, String> attributes =
                r.getAttributesList().stream()
                    .collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv)));
            got.add(new Received(attributes, r.getBody().getStringValue(), r.getTimeUnixNano()));
          }
        }
      }
      synchronized (received) {
        received.addAll(got);
      }
      out.onNext(ExportLogsServiceResponse.getDefaultInstance());
      out.onCompleted();
    }

    private static String text(KeyValue kv) {
      return switch (kv.getValue().getValueCase()) {
        case INT_VALUE -> Long.toString(kv.getValue().getIntValue());
        default -> kv.getValue().getStringValue();
      };
    }
  }
}
