package io.github.quiesce.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API is what module-info exports, and nothing exported lets an internal type through. */
class ModuleLayoutTest {

    private static final Set<String> EXPORTED =
            Set.of("io.github.quiesce", "io.github.quiesce.spi", "io.github.quiesce.spi.support");

    @Test
    void theModuleExportsTheApiTheSpiAndTheHelpersForStrategyAuthorsOnly() throws IOException {
        ModuleDescriptor module;
        try (InputStream in = ModuleLayoutTest.class.getResourceAsStream("/module-info.class")) {
            assertThat(in).as("module-info.class of core").isNotNull();
            module = ModuleDescriptor.read(in);
        }
        assertThat(module.name()).isEqualTo("io.github.quiesce");
        assertThat(module.exports())
                .allMatch(e -> !e.isQualified())
                .extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrderElementsOf(EXPORTED);
        assertThat(module.uses()).contains("io.github.quiesce.spi.LockStrategy", "io.github.quiesce.BackupListener");
    }

    @Test
    void noPublicSignatureOfAnExportedTypeNamesAnInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : exportedPublicTypes()) {
            List<Type> seen = new ArrayList<>();
            if (type.getGenericSuperclass() != null) {
                seen.add(type.getGenericSuperclass());
            }
            seen.addAll(Arrays.asList(type.getGenericInterfaces()));
            for (Executable e : Stream.concat(
                            Arrays.stream(type.getDeclaredMethods()), Arrays.stream(type.getDeclaredConstructors()))
                    .toList()) {
                if (visible(e.getModifiers()) && !(e instanceof Method m && m.isSynthetic())) {
                    seen.addAll(Arrays.asList(e.getGenericParameterTypes()));
                    seen.addAll(Arrays.asList(e.getGenericExceptionTypes()));
                    if (e instanceof Method m) {
                        seen.add(m.getGenericReturnType());
                    }
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    seen.add(f.getGenericType());
                }
            }
            seen.stream()
                    .map(Type::getTypeName)
                    .filter(n -> n.contains(".internal."))
                    .forEach(n -> leaks.add(type.getName() + " -> " + n));
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Class<?>> exportedPublicTypes() throws Exception {
        Path classes = Path.of(
                        ModuleLayoutTest.class.getResource("/module-info.class").toURI())
                .getParent();
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : EXPORTED) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                        .collect(Collectors.toList());
            }
            for (String name : names) {
                Class<?> c = Class.forName(name, false, ModuleLayoutTest.class.getClassLoader());
                if (Modifier.isPublic(c.getModifiers())) {
                    types.add(c);
                }
            }
        }
        assertThat(types).hasSizeGreaterThan(20);
        return types;
    }
}
