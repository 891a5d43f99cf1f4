package dev.adjoint.compiler.runs;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.runtime.predict.Predictor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint records for {@link Predictor} beyond the weights and the standardization:
 * the model's input names, an {@code idx} source's scale, and for a classifier (as
 * {@link ClassReport#of} finds one) its class names, scoring output and binary threshold, so
 * that an application predicts from raw features and names classes without the .nn file.
 */
final class PredictorMetadata {
  private PredictorMetadata() {}

  static Map<String, String> of(ModelUnit unit) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> inputs = unit.graph().inputs().stream().map(n -> n.attrs(Attrs.Input.class))
        .filter(a -> !a.target()).map(Attrs.Input::name).toList();
    out.put(Predictor.INPUTS_KEY, Predictor.joinLines(inputs));
    unit.train().data().match(csv -> null, idx -> out.put(Predictor.INPUT_SCALE_KEY, Double.toString(idx.scale())),
        npy -> null, text -> null);
    if (ClassReport.of(unit) != null) {
      Node target = unit.graph().inputs().stream()
          .filter(n -> n.attrs(Attrs.Input.class).target() && n.attrs(Attrs.Input.class).classes() >= 2)
          .findFirst().orElseThrow();
      Attrs.Input a = target.attrs(Attrs.Input.class);
      List<String> names = a.classNames().isEmpty()
          ? java.util.stream.IntStream.range(0, a.classes()).mapToObj(Integer::toString).toList() : a.classNames();
      String output = unit.graph().outputs().keySet().iterator().next();
      out.put(Predictor.CLASSES_KEY, Predictor.joinLines(names));
      out.put(Predictor.CLASS_OUTPUT_KEY, output);
      out.put(Predictor.CLASS_THRESHOLD_KEY, Double.toString(ClassReport.oneScoreThreshold(unit, output)));
    }
    return out;
  }
}
