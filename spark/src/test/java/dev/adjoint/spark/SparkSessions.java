package dev.adjoint.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The tests' Spark: in process, no UI, few shuffle partitions; one session per test class. */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession local(String master) {
    return SparkSession.builder().master(master).appName("adjoint-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /** An example model of the repository, by its path under examples/. */
  static Path example(String path) {
    return Path.of(System.getProperty("adjoint.examples", "../examples")).resolve(path);
  }
}
