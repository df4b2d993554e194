package net.lorawanns.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of ARCHITECTURE.md ("Growing the pipeline"), read from the compiled classes: the protocol
 * packages are a library that knows nothing of storage, the pipeline, the API or the application side; the event
 * port the pipeline calls knows nothing of the webhooks and streams that implement it.
 */
class ArchitectureTest {
    private static final String[] PROTOCOL = {"..core.types..", "..core.frame..", "..core.mac..", "..core.crypto..",
            "..core.region..", "..core.backend..", "..core.adr..", "..core.classb.."};
    private static JavaClasses classes;

    @BeforeAll
    static void read() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("net.lorawanns.core");
    }

    @Test
    void protocolPackagesUseOnlyEachOtherTheJdkJsonAndCrypto() {
        String[] allowed = new String[PROTOCOL.length + 4];
        System.arraycopy(PROTOCOL, 0, allowed, 0, PROTOCOL.length);
        allowed[PROTOCOL.length] = "java..";
        allowed[PROTOCOL.length + 1] = "io.vertx.core.json..";
        allowed[PROTOCOL.length + 2] = "org.bouncycastle..";
        allowed[PROTOCOL.length + 3] = "org.slf4j..";
        classes().that().resideInAnyPackage(PROTOCOL).should().onlyDependOnClassesThat().resideInAnyPackage(allowed)
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void theEventPortKnowsNoneOfItsImplementations() {
        noClasses().that().resideInAPackage("..core.events..").should().dependOnClassesThat()
                .resideInAnyPackage("..core.integration..", "..core.pipeline..", "..core.api..").check(classes);
    }

    @Test
    void thePipelineReachesTheApplicationSideOnlyThroughThePort() {
        noClasses().that().resideInAPackage("..core.pipeline..").should().dependOnClassesThat()
                .resideInAnyPackage("..core.integration..", "..core.api..").check(classes);
    }
}
