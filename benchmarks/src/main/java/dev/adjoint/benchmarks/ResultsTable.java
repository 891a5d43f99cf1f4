package dev.adjoint.benchmarks;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads JMH's JSON results ({@code -rf json}) and prints them as markdown tables: each
 * workload on Adjoint and on PyTorch with their ratio, oriented so that a ratio above 1
 * means Adjoint is better (throughputs: Adjoint / PyTorch; times: PyTorch / Adjoint); then
 * compile latency, allocation per training step (when run with {@code -prof gc}), the
 * scaling runs, and the first-loss agreement that {@code peer.FirstLoss} wrote.
 *
 * <p>Usage: {@code ResultsTable RESULTS.json [FIRST_LOSS.txt]}
 */
public final class ResultsTable {
  /** One JMH result: which side, which benchmark method, its parameters and its score. */
  record Result(boolean pytorch, String method, Map<String, String> params, double score, double error,
      String unit, Double bytesPerOp) {

    int threads() {
      return Integer.parseInt(params.getOrDefault("threads", "1"));
    }
  }

  private final List<Result> results;
  private final PrintStream out;

  ResultsTable(List<Result> results, PrintStream out) {
    this.results = results;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: ResultsTable RESULTS.json [FIRST_LOSS.txt]");
      System.exit(2);
    }
    ResultsTable table = new ResultsTable(read(Path.of(args[0])), System.out);
    table.print();
    if (args.length == 2 && Files.exists(Path.of(args[1]))) {
      System.out.println();
      System.out.println("### First-loss agreement (same weights, same batch)");
      System.out.println();
      for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
        System.out.println("    " + line);
      }
    }
  }

  /** The results of a JMH JSON file. */
  static List<Result> read(Path json) throws IOException {
    List<Result> list = new ArrayList<>();
    JsonElement root = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8));
    for (JsonElement e : root.getAsJsonArray()) {
      JsonObject o = e.getAsJsonObject();
      String benchmark = o.get("benchmark").getAsString();
      String[] parts = benchmark.split("\\.");
      String type = parts[parts.length - 2];
      Map<String, String> params = new TreeMap<>();
      if (o.has("params")) {
        o.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
      }
      JsonObject primary = o.getAsJsonObject("primaryMetric");
      double error = primary.get("scoreError").isJsonPrimitive()
          && !"NaN".equals(primary.get("scoreError").getAsString()) ? primary.get("scoreError").getAsDouble() : 0;
      Double bytes = null;
      JsonObject secondary = o.getAsJsonObject("secondaryMetrics");
      if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
        bytes = secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
      }
      list.add(new Result(type.startsWith("PyTorch"), type + "." + parts[parts.length - 1], params,
          primary.get("score").getAsDouble(), error, primary.get("scoreUnit").getAsString(), bytes));
    }
    return list;
  }

  void print() {
    out.println("### Adjoint and PyTorch (DJL), float32");
    out.println();
    out.println("| workload | threads | Adjoint | PyTorch | unit | ratio (>1: Adjoint better) | target |");
    out.println("|---|---|---|---|---|---|---|");
    Workload w1 = Workload.MNIST_MLP;
    Workload w3 = Workload.WIDE;
    throughputRows("W1 mnist_mlp training", "w1MnistMlp", w1.batch(), "samples/s",
        t -> t == 1 ? "≥ 1.3" : "≥ 1.5");
    throughputRows("W2 tiny training", "w2Tiny", 1, "steps/s", t -> "≥ 30");
    throughputRows("W3 wide training", "w3Wide", w3.batch(), "samples/s", t -> "≥ 0.9");
    throughputRows("W3 wide training", "w3Wide", w3.flopsPerStep() / 1e9, "GFLOP/s", t -> "≥ 0.9");
    for (int threads : threads("w4Infer")) {
      Optional<Result> a = find(false, "w4Infer", threads, Map.of());
      Optional<Result> p = find(true, "w4Infer", threads, Map.of());
      row("W4 infer (batch 1)", threads, a.map(Result::score), p.map(Result::score), "µs/call",
          p.isPresent() && a.isPresent() ? p.get().score() / a.get().score() : null, "≤ 10 µs");
    }
    throughputRows("W5 cnn training", "w5Cnn", CnnData.BATCH, "samples/s", t -> "≥ 1.0");
    throughputRows("W5 cnn training", "w5Cnn", CnnData.flopsPerStep() / 1e9, "GFLOP/s", t -> "≥ 1.0");
    throughputRows("W5t upsample training", "w5tUpsample", UpsampleData.BATCH, "samples/s", t -> "—");
    throughputRows("W5t upsample training", "w5tUpsample", UpsampleData.flopsPerStep() / 1e9, "GFLOP/s", t -> "—");
    for (int threads : threads("w5Infer")) {
      Optional<Result> a = find(false, "w5Infer", threads, Map.of());
      Optional<Result> p = find(true, "w5Infer", threads, Map.of());
      row("W5i cnn infer (batch 1)", threads, a.map(Result::score), p.map(Result::score), "µs/call",
          p.isPresent() && a.isPresent() ? p.get().score() / a.get().score() : null, "≥ 2 (≤ PyTorch ÷ 2)");
    }
    throughputRows("W7 lstm training", "w7Lstm", LstmData.BATCH, "samples/s", t -> t == 1 ? "≥ 1.2" : "≥ 1.0");
    throughputRows("W7 lstm training", "w7Lstm", LstmData.flopsPerStep() / 1e9, "GFLOP/s",
        t -> t == 1 ? "≥ 1.2" : "≥ 1.0");
    throughputRows("W6 transformer training", "w6Transformer", TransformerData.BATCH, "samples/s",
        t -> t == 1 ? "≥ 1.2" : "≥ 1.0");
    for (String size : sizes()) {
      double gflop = 2 * Math.pow(Double.parseDouble(size), 3) / 1e9;
      for (int threads : threads("multiply")) {
        Optional<Double> a = find(false, "multiply", threads, Map.of("size", size)).map(r -> r.score() * gflop);
        Optional<Double> p = find(true, "multiply", threads, Map.of("size", size)).map(r -> r.score() * gflop);
        row("GEMM " + size + "³", threads, a, p, "GFLOP/s", a.isPresent() && p.isPresent() ? a.get() / p.get() : null,
            "≥ 80% of fp32 peak");
      }
    }
    batchedRows();
    compileRows();
    allocationRows();
    scalingRows();
  }

  /** Rows of a throughput benchmark (ops/s) scaled by {@code perOp} into {@code unit}. */
  private void throughputRows(String label, String method, double perOp, String unit,
      java.util.function.IntFunction<String> target) {
    for (int threads : threads(method)) {
      Optional<Double> a = find(false, method, threads, Map.of()).map(r -> r.score() * perOp);
      Optional<Double> p = find(true, method, threads, Map.of()).map(r -> r.score() * perOp);
      row(label, threads, a, p, unit, a.isPresent() && p.isPresent() ? a.get() / p.get() : null,
          target.apply(threads));
    }
  }

  private void row(String label, int threads, Optional<Double> adjoint, Optional<Double> pytorch, String unit,
      Double ratio, String target) {
    out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", label, threads,
        adjoint.map(ResultsTable::number).orElse("—"), pytorch.map(ResultsTable::number).orElse("—"), unit,
        ratio == null ? "—" : String.format(Locale.ROOT, "%.2f×", ratio), target);
  }

  /** BatchedMatmulBenchmark beside PyTorchBatchedMatmul: forward (one product) and training (three), in GFLOP/s. */
  private void batchedRows() {
    List<String> shapes = results.stream().filter(r -> r.method().endsWith(".bmmForward")
        || r.method().endsWith(".bmmTraining")).map(r -> r.params().get("shape")).distinct().sorted().toList();
    for (String shape : shapes) {
      for (String method : List.of("bmmForward", "bmmTraining")) {
        double gflop = BatchedMatmulBenchmark.forwardFlops(shape) * (method.equals("bmmForward") ? 1 : 3) / 1e9;
        for (int threads : threads(method)) {
          Optional<Double> a = find(false, method, threads, Map.of("shape", shape)).map(r -> r.score() * gflop);
          Optional<Double> p = find(true, method, threads, Map.of("shape", shape)).map(r -> r.score() * gflop);
          String[] s = shape.split("x");
          row("[" + s[0] + ", " + s[1] + ", " + s[2] + "] @ [" + s[0] + ", " + s[2] + ", " + s[1] + "] "
              + (method.equals("bmmForward") ? "forward" : "forward + backward"), threads, a, p, "GFLOP/s",
              a.isPresent() && p.isPresent() ? a.get() / p.get() : null, "≥ 1.0");
        }
      }
    }
  }

  private void compileRows() {
    Optional<Result> warm = find(false, "CompileBenchmark.warmW1");
    Optional<Result> cold = find(false, "CompileBenchmark.coldCli");
    Optional<Result> warmW6 = find(false, "CompileBenchmark.warmW6");
    if (warm.isEmpty() && cold.isEmpty() && warmW6.isEmpty()) {
      return;
    }
    out.println();
    out.println("### Compile latency (W1's model)");
    out.println();
    out.println("| measure | Adjoint | unit | target |");
    out.println("|---|---|---|---|");
    warm.ifPresent(r -> out.printf(Locale.ROOT, "| in process, warm: .nn file to a model ready to train | %s | %s | ≤ 50 ms |%n",
        withError(r), r.unit()));
    cold.ifPresent(r -> out.printf(Locale.ROOT, "| `bin/adjoint compile FILE -o DIR`, a fresh process | %s | %s | ≤ 1.5 s |%n",
        withError(r), r.unit()));
    warmW6.ifPresent(r -> out.printf(Locale.ROOT, "| W6's transformer in process, warm | %s | %s | ≤ 100 ms |%n",
        withError(r), r.unit()));
  }

  private void allocationRows() {
    List<Result> training = results.stream()
        .filter(r -> r.bytesPerOp() != null && r.method().matches(".*Workloads\\.w[123].*")).toList();
    if (training.isEmpty()) {
      return;
    }
    out.println();
    out.println("### Allocation per training step (`-prof gc`: gc.alloc.rate.norm)");
    out.println();
    out.println("Java heap only (libtorch's native memory is not counted). The figure includes JMH's own"
        + " bookkeeping, about 6 KB per iteration spread over its steps: a residue of a few bytes per step,"
        + " or a few KB where steps are slow (W3), is JMH's.");
    out.println();
    out.println("| workload | threads | Adjoint | PyTorch | unit | target |");
    out.println("|---|---|---|---|---|---|");
    Map<String, String> names = Map.of("w1MnistMlp", "W1 mnist_mlp", "w2Tiny", "W2 tiny", "w3Wide", "W3 wide",
        "w5Cnn", "W5 cnn", "w5tUpsample", "W5t upsample", "w7Lstm", "W7 lstm", "w6Transformer", "W6 transformer");
    for (String method : List.of("w1MnistMlp", "w2Tiny", "w3Wide", "w5Cnn", "w5tUpsample", "w7Lstm",
        "w6Transformer")) {
      for (int threads : threads(method)) {
        Optional<Double> a = find(false, method, threads, Map.of()).map(Result::bytesPerOp);
        Optional<Double> p = find(true, method, threads, Map.of()).map(Result::bytesPerOp);
        out.printf(Locale.ROOT, "| %s | %d | %s | %s | B/step | 0 B |%n", names.get(method), threads,
            a.map(v -> String.format(Locale.ROOT, "%.1f", v)).orElse("—"),
            p.map(v -> String.format(Locale.ROOT, "%.0f", v)).orElse("—"));
      }
    }
  }

  private void scalingRows() {
    TreeSet<String> models = new TreeSet<>((x, y) -> {
      int c = x.replaceAll("\\d", "").compareTo(y.replaceAll("\\d", ""));
      return c != 0 ? c : Integer.compare(Integer.parseInt(x.replaceAll("\\D", "")),
          Integer.parseInt(y.replaceAll("\\D", "")));
    });
    results.stream().filter(r -> r.method().startsWith("ScalingBenchmark.")).forEach(r -> models.add(r.params().get("model")));
    if (models.isEmpty()) {
      return;
    }
    out.println();
    out.println("### Scaling (256 features → hidden relu layers → 10 classes, SGD, batch 64, 1 thread)");
    out.println();
    out.println("| model | compile, warm | training step |");
    out.println("|---|---|---|");
    for (String model : models) {
      Optional<Result> compile = find(false, "ScalingBenchmark.compile", Map.of("model", model));
      Optional<Result> step = find(false, "ScalingBenchmark.trainStep", Map.of("model", model));
      out.printf(Locale.ROOT, "| %s | %s | %s |%n", model,
          compile.map(r -> withError(r) + " " + r.unit()).orElse("—"),
          step.map(r -> withError(r) + " " + r.unit()).orElse("—"));
    }
  }

  private List<Integer> threads(String method) {
    return results.stream().filter(r -> r.method().endsWith("." + method)).map(Result::threads).distinct().sorted()
        .toList();
  }

  private List<String> sizes() {
    return results.stream().filter(r -> r.method().endsWith(".multiply")).map(r -> r.params().get("size"))
        .distinct().sorted((x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y))).toList();
  }

  /** The result of a workload method ({@code w1MnistMlp}) on one side for a thread count and other params. */
  private Optional<Result> find(boolean pytorch, String method, int threads, Map<String, String> params) {
    return results.stream().filter(r -> r.pytorch() == pytorch && r.method().endsWith("." + method)
        && r.threads() == threads && r.params().entrySet().containsAll(params.entrySet())).findFirst();
  }

  /** The result of a fully named method ({@code CompileBenchmark.warmW1}) with these params. */
  private Optional<Result> find(boolean pytorch, String method, Map<String, String> params) {
    return results.stream().filter(r -> r.pytorch() == pytorch && r.method().equals(method)
        && r.params().entrySet().containsAll(params.entrySet())).findFirst();
  }

  private Optional<Result> find(boolean pytorch, String method) {
    return find(pytorch, method, Map.of());
  }

  private static String withError(Result r) {
    return r.error() > 0 ? number(r.score()) + " ± " + number(r.error()) : number(r.score());
  }

  /** Three significant digits, thousands grouped: 41,200; 71.3; 0.412. */
  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g", v);
  }
}
