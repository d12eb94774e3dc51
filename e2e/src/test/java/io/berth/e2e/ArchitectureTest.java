package io.berth.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The layering of DESIGN.md §3, checked twice: on the module poms (which
 * module may depend on which) and on the compiled classes (no package cycle,
 * no import across a forbidden line).
 */
class ArchitectureTest {

    /** Module → the berth modules it may depend on (DESIGN.md §3). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "proto", Set.of(),
            "common", Set.of(),
            "image-service", Set.of("common", "proto"),
            "cni-bridge", Set.of("common"),
            "runtime-service", Set.of("common", "proto", "image-service", "cni-bridge"),
            "shim", Set.of(),
            "deploy", Set.of(),
            "e2e", Set.of("proto", "common", "runtime-service"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.berth");
        assertTrue(classes.size() > 50, "the berth classes are on the class path");
    }

    @Test
    void modulePomsDependOnlyDownTheLayers() throws Exception {
        Path repo = BerthdProcess.REPO;
        List<String> modules = children(parse(repo.resolve("pom.xml")).getDocumentElement(), "modules", "module");
        assertEquals(new TreeSet<>(ALLOWED.keySet()), new TreeSet<>(modules),
                "every module has a rule here (a new module needs one)");
        List<String> violations = new ArrayList<>();
        for (String module : modules) {
            Element project = parse(repo.resolve(module).resolve("pom.xml")).getDocumentElement();
            for (Element dep : elements(project, "dependencies", "dependency")) {
                String group = text(dep, "groupId");
                String artifact = text(dep, "artifactId");
                if ("io.berth".equals(group) && artifact.startsWith("berth-")) {
                    String target = artifact.substring("berth-".length());
                    if (!ALLOWED.get(module).contains(target)) {
                        violations.add(module + " -> " + target);
                    }
                }
            }
        }
        assertEquals(List.of(), violations, "module dependencies against DESIGN.md §3");
    }

    /**
     * No cycle between features: a slice is a module's package plus one level
     * (runtime.sandbox, image.unpack, cni.netns, ...) with its subpackages, so
     * a feature may split itself into subpackages that know each other, but
     * two features never depend on each other both ways.
     */
    @Test
    void noCyclesBetweenFeatures() {
        slices().matching("io.berth.(*).(*)..").should().beFreeOfCycles().check(classes);
    }

    /** berthd's top package (Berthd, Daemon, CriServices) wires everything, so nothing may depend on it. */
    @Test
    void nothingDependsOnTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage("io.berth.runtime")
                .should().dependOnClassesThat().resideInAPackage("io.berth.runtime")
                .check(classes);
    }

    @Test
    void commonDependsOnNothingOfBerth() {
        noClasses().that().resideInAPackage("io.berth.common..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("io.berth.cri..", "io.berth.image..", "io.berth.cni..", "io.berth.runtime..")
                .check(classes);
    }

    @Test
    void imageServiceAndCniBridgeStayApartAndBelowTheRuntime() {
        noClasses().that().resideInAPackage("io.berth.image..")
                .should().dependOnClassesThat().resideInAnyPackage("io.berth.cni..", "io.berth.runtime..")
                .check(classes);
        noClasses().that().resideInAPackage("io.berth.cni..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("io.berth.image..", "io.berth.runtime..", "io.berth.cri..")
                .check(classes);
    }

    @Test
    void theSchemaDependsOnNoBerthCode() {
        noClasses().that().resideInAPackage("io.berth.cri..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("io.berth.common..", "io.berth.image..", "io.berth.cni..", "io.berth.runtime..")
                .check(classes);
    }

    private static Document parse(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom + " exists");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** Direct children named {@code item} of the direct child {@code list} (skips dependencyManagement). */
    private static List<Element> elements(Element parent, String list, String item) {
        List<Element> out = new ArrayList<>();
        for (Element l : direct(parent, list)) {
            out.addAll(direct(l, item));
        }
        return out;
    }

    private static List<String> children(Element parent, String list, String item) {
        return elements(parent, list, item).stream().map(e -> e.getTextContent().strip()).toList();
    }

    private static List<Element> direct(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        List<Element> found = direct(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }
}
