package dev.adjoint.cli;

import dev.adjoint.compiler.codegen.ModelCompiler;
import dev.adjoint.compiler.codegen.ModelFactory;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.onnx.OnnxExport;
import dev.adjoint.compiler.onnx.OnnxExportException;
import dev.adjoint.compiler.onnx.Preprocessing;
import dev.adjoint.data.Standardization;
import dev.adjoint.runtime.checkpoint.AtomicFile;
import dev.adjoint.runtime.checkpoint.Checkpoint;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.Tensor;
import dev.adjoint.runtime.predict.Predictor;
import dev.adjoint.runtime.predict.Standardizer;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code adjoint export FILE --checkpoint C --onnx OUT}: a trained model's inference graph as
 * an ONNX file, with its weights and the training's preprocessing (docs/onnx.md).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes a checkpoint's model as an ONNX file (opset 17): the inference graph, its weights as "
        + "initializers, and the training's preprocessing (an idx source's scale, the standardization) as its first "
        + "ops, so that it takes raw features as adjoint predict does.",
        "Ops without an ONNX form (loops, a loss inside the inference graph) are refused with their .nn line; "
            + "docs/onnx.md lists the ops that export."})
final class ExportCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  CheckpointedModel target;

  @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "the ONNX file to write")
  Path onnx;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String refusal = OutputFile.refusal(onnx);
    if (refusal != null) {
      err.println(onnx + ": error: " + refusal);
      return AdjointCli.INPUT_ERRORS;
    }
    Optional<ModelUnit> unit = target.unit(err);
    if (unit.isEmpty()) {
      return AdjointCli.INPUT_ERRORS;
    }
    return RunErrors.report(err, () -> {
      ModelFactory factory = ModelCompiler.compile(unit.get());
      CompiledModel model = factory.newModel(1);
      Map<String, String> metadata = Checkpoint.load(target.checkpoint, model, factory.key(),
          target.allowNonFiniteWeights);
      Map<String, Tensor> weights = new HashMap<>(model.params());
      weights.putAll(model.states());
      byte[] bytes;
      try {
        bytes = OnnxExport.export(OnnxExport.inferenceGraph(unit.get().graph()), weights, preprocessing(metadata),
            new Version().getVersion()[0]);
      } catch (OnnxExportException e) {
        err.println(e.getMessage());
        return AdjointCli.INPUT_ERRORS;
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      AtomicFile.write(onnx, channel -> {
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      });
      err.println("wrote model " + unit.get().name() + " to " + onnx + " (" + bytes.length + " bytes, ONNX opset 17)");
      return AdjointCli.OK;
    });
  }

  /** The scale and standardization the checkpoint records. */
  static Preprocessing preprocessing(Map<String, String> metadata) {
    Standardizer standardizer = Standardization.fromMetadata(metadata);
    Map<String, double[]> means = new LinkedHashMap<>();
    Map<String, double[]> stds = new LinkedHashMap<>();
    for (String column : standardizer.columns()) {
      means.put(column, standardizer.mean(column));
      stds.put(column, standardizer.std(column));
    }
    String scale = metadata.get(Predictor.INPUT_SCALE_KEY);
    return new Preprocessing(scale == null ? 1 : Double.parseDouble(scale), means, stds);
  }
}
