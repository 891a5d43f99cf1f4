package dev.adjoint.data;

/**
 * Commons CSV needs commons-io 2.20 (its readers extend commons-io's). An application whose
 * other dependencies bring an older commons-io (DJL brings 2.16.1, and Maven takes the
 * nearest) would fail deep inside the first CSV read with a {@code NoClassDefFoundError};
 * this check turns that into a data error that says which version was found and what to declare.
 */
final class CommonsIoCheck {
  /** A class of commons-io 2.20 that commons-csv's reader extends. */
  static final String REQUIRED_CLASS = "org.apache.commons.io.input.UnsynchronizedBufferedReader";
  private static volatile boolean passed;

  private CommonsIoCheck() {}

  /** Throws a {@link DataException} unless the class path has a commons-io that commons-csv can use. */
  static void require() {
    if (!passed) {
      require(REQUIRED_CLASS);
      passed = true;
    }
  }

  static void require(String className) {
    try {
      Class.forName(className, false, CommonsIoCheck.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new DataException("reading CSV needs commons-io 2.20.0 or later (commons-csv is built on it), but the"
          + " class path has " + found() + " (" + className + " is missing): another dependency brings an older"
          + " commons-io; declare commons-io:commons-io:2.20.0 in your build");
    }
  }

  /** The commons-io on the class path, as its jar's manifest names it. */
  static String found() {
    try {
      Class<?> io = Class.forName("org.apache.commons.io.IOUtils", false, CommonsIoCheck.class.getClassLoader());
      String version = io.getPackage().getImplementationVersion();
      return "commons-io " + (version == null ? "of an unknown version" : version);
    } catch (ClassNotFoundException | LinkageError e) {
      return "no commons-io";
    }
  }
}
