package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.NameAllocator;
import dev.adjoint.runtime.kernels.PartedWork;
import dev.adjoint.runtime.model.CompiledModel;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Java identifiers for everything a generated class declares, made from the names in the
 * .nn file (parameter {@code h.W} becomes field {@code h_W}) by JavaPoet's name
 * allocator: always valid, never a keyword, never clashing with each other, and never one
 * of the {@link #RESERVED} names the class refers to without qualification.
 */
final class Names {
  /**
   * The names a generated class refers to unqualified and that a field or method of its own
   * would obscure or hide, derived rather than listed: the simple name and the root package
   * of every class it names ({@link RuntimeTypes#all}), and every member it inherits from
   * {@link CompiledModel} and {@link PartedWork}. Fields are read as {@code this.f} (or
   * {@code m.f}), so no local variable of the generated code can shadow one.
   */
  static final Set<String> RESERVED = reserved();

  private final NameAllocator allocator = new NameAllocator();
  private final Set<String> allocated = new TreeSet<>();

  Names() {
    for (String r : RESERVED) {
      allocator.newName(r, "reserved:" + r);
    }
  }

  /** A fresh field name made from {@code suggestion}. */
  String field(String suggestion) {
    return allocate(suggestion);
  }

  /** A fresh method name made from {@code suggestion}. */
  String method(String suggestion) {
    return allocate(suggestion);
  }

  /**
   * Every name handed out so far: JavaPoet writes any class with one of these simple names
   * fully qualified ({@code TypeSpec.Builder.alwaysQualify}), whatever class a template names.
   */
  Set<String> allocated() {
    return Collections.unmodifiableSet(allocated);
  }

  private String allocate(String suggestion) {
    String name = allocator.newName(suggestion);
    allocated.add(name);
    return name;
  }

  private static Set<String> reserved() {
    Set<String> out = new TreeSet<>();
    for (ClassName type : RuntimeTypes.all()) {
      out.add(type.simpleName());
      out.add(type.packageName().split("\\.")[0]);
    }
    for (Class<?> type = CompiledModel.class; type != null && type != Object.class; type = type.getSuperclass()) {
      inherited(type, out);
    }
    inherited(PartedWork.class, out);
    return Collections.unmodifiableSet(out);
  }

  private static void inherited(Class<?> type, Set<String> out) {
    for (Member m : type.getDeclaredFields()) {
      if (!Modifier.isPrivate(m.getModifiers())) {
        out.add(m.getName());
      }
    }
    for (Member m : type.getDeclaredMethods()) {
      if (!Modifier.isPrivate(m.getModifiers()) && !m.isSynthetic()) {
        out.add(m.getName());
      }
    }
  }
}
