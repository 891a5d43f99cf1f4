package dev.adjoint.benchmarks.peer;

import dev.adjoint.benchmarks.AdjointSide;
import dev.adjoint.benchmarks.BenchData;
import dev.adjoint.benchmarks.CnnData;
import dev.adjoint.benchmarks.ImageBatchData;
import dev.adjoint.benchmarks.LstmData;
import dev.adjoint.benchmarks.TransformerData;
import dev.adjoint.benchmarks.UpsampleData;
import dev.adjoint.benchmarks.Workload;
import dev.adjoint.runtime.model.CompiledModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guard against comparing different work: from the same weights and the same batch,
 * Adjoint and PyTorch must compute the same first training loss (and, after one update by
 * their optimizers, the same second loss). A mismatch means different networks, layouts,
 * losses or optimizers, and stops the benchmark. {@code PyTorchWorkloads} checks before it
 * measures; {@link #main} checks W1-W3 and W5-W7 and writes the lines that {@code ResultsTable} shows.
 */
public final class FirstLoss {
  /** Relative tolerance of the first loss: float32 sums in a different order. */
  static final double FIRST_TOLERANCE = 1e-4;
  /** Relative tolerance of the second loss, which also goes through the optimizers' float32 updates. */
  static final double SECOND_TOLERANCE = 1e-3;

  private FirstLoss() {}

  /** Both sides' first two losses on a workload. */
  public record Agreement(String model, double adjoint, double pytorch, double adjoint2, double pytorch2) {
    static double relative(double a, double b) {
      return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }

    public boolean agrees() {
      return relative(adjoint, pytorch) <= FIRST_TOLERANCE && relative(adjoint2, pytorch2) <= SECOND_TOLERANCE;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-9s first loss: Adjoint %.7f, PyTorch %.7f (relative difference %.1e);"
          + " second: %.7f, %.7f (%.1e) -> %s", model, adjoint, pytorch,
          relative(adjoint, pytorch), adjoint2, pytorch2, relative(adjoint2, pytorch2),
          agrees() ? "agree" : "DISAGREE");
    }
  }

  /** Trains each side two steps from the shared start; DJL's engine and Adjoint's threads must be set. */
  public static Agreement compare(Workload workload) {
    BenchData data = BenchData.of(workload);
    CompiledModel adjoint = AdjointSide.trainer(data);
    double a1 = adjoint.trainStep(workload.batch());
    double a2 = adjoint.trainStep(workload.batch());
    try (DjlNetwork pytorch = new DjlNetwork(data, workload.batch())) {
      double p1 = pytorch.trainStep();
      double p2 = pytorch.trainStep();
      return new Agreement(workload.modelName(), a1, p1, a2, p2);
    }
  }

  /** W5's two first losses on both sides, from {@link CnnData}'s start. */
  public static Agreement compareCnn() {
    CnnData data = CnnData.create();
    return compareImages("cnn", data, new DjlCnn(data, ImageBatchData.BATCH));
  }

  /** W5t's two first losses on both sides, from {@link UpsampleData}'s start. */
  public static Agreement compareUpsample() {
    UpsampleData data = UpsampleData.create();
    return compareImages("upsample", data, new DjlUpsample(data, ImageBatchData.BATCH));
  }

  /** Two steps of an image network on both sides, from the same start; closes the PyTorch side. */
  private static Agreement compareImages(String name, ImageBatchData data, DjlTrainable peer) {
    CompiledModel adjoint = data.trainer();
    double a1 = adjoint.trainStep(ImageBatchData.BATCH);
    double a2 = adjoint.trainStep(ImageBatchData.BATCH);
    try (DjlTrainable pytorch = peer) {
      double p1 = pytorch.trainStep();
      double p2 = pytorch.trainStep();
      return new Agreement(name, a1, p1, a2, p2);
    }
  }

  /** {@link #compareUpsample}, printed, and an exception when the two sides disagree. */
  public static Agreement checkUpsample() {
    return checked(compareUpsample());
  }

  /** W7's two first losses on both sides, from {@link LstmData}'s start. */
  public static Agreement compareLstm() {
    LstmData data = LstmData.create();
    CompiledModel adjoint = data.trainer();
    double a1 = adjoint.trainStep(LstmData.BATCH);
    double a2 = adjoint.trainStep(LstmData.BATCH);
    try (DjlLstm pytorch = new DjlLstm(data, LstmData.BATCH)) {
      double p1 = pytorch.trainStep();
      double p2 = pytorch.trainStep();
      return new Agreement("lstm", a1, p1, a2, p2);
    }
  }

  /** W6's two first losses on both sides, from {@link TransformerData}'s start. */
  public static Agreement compareTransformer() {
    TransformerData data = TransformerData.create();
    CompiledModel adjoint = data.trainer();
    double a1 = adjoint.trainStep(TransformerData.BATCH);
    double a2 = adjoint.trainStep(TransformerData.BATCH);
    try (DjlTransformer pytorch = new DjlTransformer(data)) {
      double p1 = pytorch.trainStep();
      double p2 = pytorch.trainStep();
      return new Agreement("transformer", a1, p1, a2, p2);
    }
  }

  /** {@link #compareTransformer}, printed, and an exception when the two sides disagree. */
  public static Agreement checkTransformer() {
    return checked(compareTransformer());
  }

  /** {@link #compareLstm}, printed, and an exception when the two sides disagree. */
  public static Agreement checkLstm() {
    return checked(compareLstm());
  }

  /** {@link #compare}, printed, and an exception when the two sides disagree. */
  public static Agreement check(Workload workload) {
    return checked(compare(workload));
  }

  /** {@link #compareCnn}, printed, and an exception when the two sides disagree. */
  public static Agreement checkCnn() {
    return checked(compareCnn());
  }

  private static Agreement checked(Agreement agreement) {
    System.out.println(agreement);
    if (!agreement.agrees()) {
      throw new IllegalStateException("Adjoint and PyTorch do different work on " + agreement.model()
          + ": " + agreement);
    }
    return agreement;
  }

  /** Checks W1-W3, W5, W5t, W6 and W7 on one thread each; writes the lines to the file given, if any; exits 1 on a mismatch. */
  public static void main(String[] args) throws IOException {
    AdjointSide.useThreads(1);
    DjlNetwork.engine(1);
    List<String> lines = new ArrayList<>();
    boolean ok = true;
    List<Agreement> agreements = new ArrayList<>();
    for (Workload w : Workload.values()) {
      agreements.add(compare(w));
    }
    agreements.add(compareCnn());
    agreements.add(compareUpsample());
    agreements.add(compareLstm());
    agreements.add(compareTransformer());
    for (Agreement agreement : agreements) {
      System.out.println(agreement);
      lines.add(agreement.toString());
      ok &= agreement.agrees();
    }
    if (args.length > 0) {
      Files.write(Path.of(args[0]), lines, StandardCharsets.UTF_8);
    }
    if (!ok) {
      System.err.println("FAILED: Adjoint and PyTorch disagree on the loss; the comparison would be meaningless");
      System.exit(1);
    }
  }
}
