package io.troupe.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the node's layers apart: the cluster library and the transport each in their room. */
@AnalyzeClasses(packages = "io.troupe", importOptions = ImportOption.DoNotIncludeTests.class)
class NodeArchitectureTest {
  /**
   * The home room decides where actors live against narrow ports: no cluster library, no transport,
   * no wire format, so its decisions are tested with fakes.
   */
  @ArchTest
  static final ArchRule theHomeRoomKnowsNoLibraryOfTheCluster =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.home..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.hazelcast..",
              "io.grpc..",
              "com.google.protobuf..",
              "io.troupe.proto..",
              "io.troupe.cluster..",
              "io.troupe.transport..",
              "io.troupe.api..",
              "io.troupe.server..");

  /** The adapters plug into the home room's ports; neither reaches into the other. */
  @ArchTest
  static final ArchRule theClusterAdapterKnowsNoTransport =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.cluster..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.troupe.transport..", "io.troupe.api..", "io.troupe.server..", "io.grpc..");

  @ArchTest
  static final ArchRule theTransportKnowsNoCluster =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.transport..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.troupe.cluster..", "io.troupe.api..", "io.troupe.server..", "com.hazelcast..");

  /** One error hierarchy, mapped to gRPC statuses in one place. */
  @ArchTest
  static final ArchRule onlyTheApiMapsErrorsToStatuses =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.troupe.api..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.grpc.Status")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.grpc.StatusRuntimeException");

  /**
   * Hazelcast stays in the cluster package (the node hands its instance out to tests and tooling,
   * nothing more).
   */
  @ArchTest
  static final ArchRule hazelcastStaysInTheClusterLayer =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.troupe.cluster..", "io.troupe.server..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.hazelcast..");

  /** gRPC stays in the transport, the client API and the node's wiring. */
  @ArchTest
  static final ArchRule grpcStaysInTransportApiAndServer =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "io.troupe.transport..", "io.troupe.api..", "io.troupe.server..", "io.troupe.proto..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.grpc..");

  @ArchTest
  static final ArchRule noUtilPackages = noClasses().should().resideInAPackage("..util..");
}
