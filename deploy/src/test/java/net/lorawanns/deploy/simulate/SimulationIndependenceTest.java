package net.lorawanns.deploy.simulate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The simulated world checks the server only while it shares none of its code: it builds and reads frames with the
 * spec device and gateway (the simulator module) and reads JSON, never the server's codec, crypto or regions.
 */
class SimulationIndependenceTest {
    @Test
    void theSimulatedWorldUsesTheSpecSideTheJdkAndJsonOnly() {
        JavaClasses world = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("net.lorawanns.deploy.simulate");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.vertx.core.json..",
                "net.lorawanns.sim..", "net.lorawanns.deploy.simulate..").check(world);
    }
}
