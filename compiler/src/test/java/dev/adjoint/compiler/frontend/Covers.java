package dev.adjoint.compiler.frontend;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the built-in functions whose values a test method checks. {@link BuiltinCoverageTest}
 * fails when a built-in of {@link BuiltinTable#standard()} is named by no test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Covers {
  String[] value();
}
