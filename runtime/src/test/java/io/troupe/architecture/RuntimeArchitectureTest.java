package io.troupe.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * What the runtime module's boundaries cannot say by themselves. (That it has no Hazelcast, gRPC or
 * JDBC driver is its classpath's job; the JDK's {@code java.sql} is checked here.)
 */
@AnalyzeClasses(packages = "io.troupe", importOptions = ImportOption.DoNotIncludeTests.class)
class RuntimeArchitectureTest {
  @ArchTest
  static final ArchRule noClusterTransportOrDatabaseInTheRuntime =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "com.hazelcast..", "io.grpc..", "com.google.protobuf..", "java.sql..", "javax.sql..");

  /** The core names no capability: handlers are registered by whoever builds the system. */
  @ArchTest
  static final ArchRule theCoreNamesNoHandler =
      noClasses()
          .that()
          .resideInAnyPackage("io.troupe.actor..", "io.troupe.mailbox..", "io.troupe.dispatch..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.troupe.host.(*)..");

  /** Handlers see their actor only through {@code HostContext} and its capability interfaces. */
  @ArchTest
  static final ArchRule handlersDoNotReachActorInternals =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.host..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.troupe.actor..", "io.troupe.mailbox..");

  @ArchTest
  static final ArchRule mailboxKnowsNothingOfWasm =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.mailbox..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.dylibso..", "io.troupe.wasm..", "io.troupe.actor..");

  /** The dispatcher core knows work and runners, not actors or handlers. */
  @ArchTest
  static final ArchRule dispatchKnowsNoActor =
      noClasses()
          .that()
          .resideInAPackage("io.troupe.dispatch..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.troupe.actor..", "io.troupe.host..", "io.troupe.wasm..");

  @ArchTest
  static final ArchRule noUtilPackages = noClasses().should().resideInAPackage("..util..");
}
