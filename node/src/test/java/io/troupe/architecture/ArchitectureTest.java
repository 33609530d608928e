package io.troupe.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the core (chain, mailbox, actor) free of cluster and transport libraries, and the layers
 * apart.
 */
@AnalyzeClasses(packages = "io.troupe", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule coreImportsNeitherHazelcastNorGrpc =
      noClasses()
          .that()
          .resideInAnyPackage("io.troupe.chain..", "io.troupe.mailbox..", "io.troupe.actor..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.hazelcast..", "io.grpc..");

  @ArchTest
  static final ArchRule mailboxKnowsNothingOfWasm =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.mailbox..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.dylibso..", "io.troupe.wasm..", "io.troupe.actor..");

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
