package dev.adjoint.compiler.codegen;

import dev.adjoint.runtime.model.CompiledModel;
import java.io.StringReader;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;
import org.codehaus.janino.util.ClassFile;

/**
 * Compiles generated source in process with Janino into a class loader of its own, so that
 * a model's classes unload when nothing refers to them any more. Debugging information and
 * the file name are kept, so stack traces show lines of the generated source.
 */
final class JaninoLoader {
  private JaninoLoader() {}

  /** The compiled class, the bytecode size of each of its methods, and the size of each class file. */
  record Loaded(Class<? extends CompiledModel> type, java.util.Map<String, Integer> methodSizes,
      java.util.Map<String, ClassFileSize> classFiles, Anchor anchor) {}

  /**
   * The parent of a model's class loader, delegating to the runtime's: whatever it holds
   * (the model's {@link ModelFactory}) stays reachable as long as the class is, through any
   * model of the class, and no longer. Lets {@link ModelCompiler}'s cache hold factories weakly.
   */
  static final class Anchor extends ClassLoader {
    private volatile Object held;

    Anchor() {
      super(CompiledModel.class.getClassLoader());
    }

    void hold(Object object) {
      this.held = object;
    }

    Object held() {
      return held;
    }
  }

  /** A class file's constant-pool entries (the JVM allows 65,535) and bytes. */
  public record ClassFileSize(int constantPoolEntries, int bytes) {}

  static Loaded load(GeneratedModel model) {
    SimpleCompiler compiler = new SimpleCompiler();
    Anchor anchor = new Anchor();
    compiler.setParentClassLoader(anchor);
    compiler.setDebuggingInformation(true, true, true);
    compiler.setSourceVersion(17);
    compiler.setTargetVersion(17);
    try {
      compiler.cook(model.fileName(), new StringReader(model.source()));
      Class<?> type = compiler.getClassLoader().loadClass(model.qualifiedName());
      return new Loaded(type.asSubclass(CompiledModel.class), methodSizes(compiler), classFiles(compiler), anchor);
    } catch (CompileException e) {
      throw new IllegalStateException("Adjoint generated Java that does not compile; this is a bug in Adjoint: "
          + e.getMessage(), e);
    } catch (java.io.IOException | ClassNotFoundException e) {
      throw new IllegalStateException("could not load the generated class " + model.qualifiedName(), e);
    }
  }

  /** Constant-pool entries and bytes of every class file, by class name. */
  private static java.util.Map<String, ClassFileSize> classFiles(SimpleCompiler compiler) {
    java.util.Map<String, ClassFileSize> sizes = new java.util.TreeMap<>();
    for (ClassFile file : compiler.getClassFiles()) {
      sizes.put(file.getThisClassName(), new ClassFileSize(file.getConstantPoolSize(), file.toByteArray().length));
    }
    return sizes;
  }

  /** Bytecode length of every method's Code attribute, by {@code Class.method}. */
  private static java.util.Map<String, Integer> methodSizes(SimpleCompiler compiler) {
    java.util.Map<String, Integer> sizes = new java.util.TreeMap<>();
    for (ClassFile file : compiler.getClassFiles()) {
      for (ClassFile.MethodInfo method : file.methodInfos) {
        for (ClassFile.AttributeInfo attribute : method.getAttributes()) {
          if (attribute instanceof ClassFile.CodeAttribute code) {
            sizes.put(file.getThisClassName() + "." + method.getName(), code.code.length);
          }
        }
      }
    }
    return sizes;
  }
}
