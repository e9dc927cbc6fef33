package dev.latchkey.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering, checked on the compiled classes of core, the JDBC stores and the server: packages
 * form a tree (no cycles), core knows nothing of HTTP or JDBC, decisions are pure (no threads, no
 * futures, no store ports), and the web layer never reaches back into the composition root.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.latchkey.core", "dev.latchkey.store", "dev.latchkey.server");
    }

    @Test
    void packagesFormATree() {
        slices().matching("dev.latchkey.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void coreKnowsNothingOfHttpOrJdbc() {
        noClasses().that().resideInAPackage("dev.latchkey.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "java.sql..", "javax.sql..",
                        "java.net.http..", "com.zaxxer..", "org.flywaydb..", "org.postgresql..", "org.sqlite..",
                        "dev.latchkey.store..", "dev.latchkey.server..")
                .check(classes);
    }

    @Test
    void decisionsAreValuesInValuesOut() {
        noClasses().that().resideInAPackage("dev.latchkey.core.decision..")
                .or().haveFullyQualifiedName("dev.latchkey.core.token.AccessTokenMinter")
                .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..", "dev.latchkey.core.store",
                        "dev.latchkey.core.registry..")
                .check(classes);
    }

    @Test
    void theWebLayerGetsItsServicesHandedToIt() {
        noClasses().that().resideInAnyPackage("dev.latchkey.server.web..", "dev.latchkey.server.pipeline..",
                        "dev.latchkey.server.convert..", "dev.latchkey.server.render..", "dev.latchkey.server.config..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.latchkey.server", "dev.latchkey.server.cli..")
                .check(classes);
    }

    @Test
    void convertersAndRenderersStayOutOfThePipeline() {
        noClasses().that().resideInAnyPackage("dev.latchkey.server.convert..", "dev.latchkey.server.render..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.latchkey.server.pipeline..",
                        "dev.latchkey.server.web..", "org.eclipse.jetty..")
                .check(classes);
    }
}
