package net.lorawanns.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The spec device and gateway are an oracle for the server's tests, and a simulator of the real world, only while
 * they share nothing with the server: the simulator's classes use the JDK and each other, never the server's codec,
 * MAC commands, regions or crypto. Read from the compiled main classes.
 */
class DeviceIndependenceTest {
    @Test
    void theSimulatorUsesOnlyTheJdkAndItself() {
        JavaClasses simulator = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("net.lorawanns.sim");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "net.lorawanns.sim..")
                .check(simulator);
    }
}
