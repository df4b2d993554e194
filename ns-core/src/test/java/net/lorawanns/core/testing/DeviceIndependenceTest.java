package net.lorawanns.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The test device is an oracle only while it shares nothing with the server: its classes use the JDK and each
 * other, never the server's codec, MAC commands, regions or crypto. Read from the compiled test classes.
 */
class DeviceIndependenceTest {
    @Test
    void theTestDeviceUsesOnlyTheJdkAndItself() {
        JavaClasses testing = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("net.lorawanns.core.testing");
        classes().that().haveSimpleNameStartingWith("DeviceMac").or().haveSimpleNameStartingWith("DeviceRegion")
                .or().haveSimpleNameStartingWith("DeviceCrypto")
                .or().haveSimpleNameStartingWith("DeviceClassB").or().haveSimpleNameStartingWith("TestDevice")
                .and().haveSimpleNameNotEndingWith("Test")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "net.lorawanns.core.testing")
                .check(testing);
    }
}
