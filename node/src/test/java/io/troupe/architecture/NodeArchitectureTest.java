package io.troupe.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the node's layers apart: the cluster library and the transport each in their room. */
@AnalyzeClasses(packages = "io.troupe", importOptions = ImportOption.DoNotIncludeTests.class)
class NodeArchitectureTest {
  @ArchTest
  static final ArchRule coreImportsNeitherHazelcastNorGrpc =
      noClasses()
          .that()
          .resideInAnyPackage("io.troupe.chain..", "io.troupe.mailbox..", "io.troupe.actor..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.hazelcast..", "io.grpc..");

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

  /** Hazelcast stays in the cluster and server packages; gRPC in transport, api and server. */
  @ArchTest
  static final ArchRule hazelcastStaysInTheClusterLayer =
      noClasses()
          .that()
          .resideOutsideOfPackages("io.troupe.cluster..", "io.troupe.server..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.hazelcast..");

  @ArchTest
  static final ArchRule noUtilPackages = noClasses().should().resideInAPackage("..util..");
}
