package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.ast.Expr;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.frontend.Checks;
import dev.adjoint.compiler.settings.DataSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code data ..., split(train, val, test)}: fractions of the data that add up to at most 1,
 * leaving some for training; {@code train} defaults to the rest, no split to all of it.
 */
final class SplitCheck {
  private SplitCheck() {}

  /** The block's split, or null after reporting errors. */
  static DataSplit check(TrainBlock block) {
    Declaration.Setting s = block.setting("data");
    if (s != null && s.args().stream().anyMatch(dev.adjoint.compiler.ast.Argument::isNamed)) {
      return DataSplit.ALL_TRAINING; // the sets are given as sources (DataCheck), nothing to cut
    }
    Expr.Call call = null;
    if (s != null && s.args().size() == 2 && s.args().get(1).value() instanceof Expr.Call c) {
      call = c;
      if (!c.callee().equals("split")) {
        block.diagnostics().error(c.calleeSpan(), "the second part of 'data' is split(...), got '" + c.callee()
            + "'", "e.g. data csv(\"train.csv\"), split(train = 0.8, val = 0.2)");
        return null;
      }
    } else if (s != null && s.args().size() == 2) {
      block.diagnostics().error(s.args().get(1).span(), "the second part of 'data' is split(...)");
      return null;
    }
    if (call == null) {
      return DataSplit.ALL_TRAINING;
    }
    Optional<BoundArgs> bound = block.calls().bind(call, TrainOptions.SPLIT);
    if (bound.isEmpty()) {
      return null;
    }
    double val = bound.get().number("val");
    double test = bound.get().number("test");
    boolean trainGiven = bound.get().has("train");
    double trainPart = trainGiven ? bound.get().number("train") : 1 - val - test;
    double total = Math.round((trainPart + val + test) * 1e9) / 1e9;
    if (trainGiven && total > 1) {
      block.diagnostics().error(call.span(), "split(): the parts add up to more than the whole data set: "
              + String.join(" + ", parts(trainPart, val, test)) + " = " + Checks.show(total),
          "they are fractions of the data that add up to at most 1, e.g. split(train = 0.8, val = 0.2)");
      return null;
    }
    if (trainPart <= 0) {
      block.diagnostics().error(call.span(), "split(): no data is left for training" + (trainGiven ? "" : ": "
              + String.join(" + ", parts(0, val, test)) + " = " + Checks.show(Math.round((val + test) * 1e9) / 1e9)),
          "e.g. split(train = 0.8, val = 0.2)");
      return null;
    }
    return new DataSplit(trainPart, val, test);
  }

  private static List<String> parts(double trainPart, double val, double test) {
    List<String> out = new ArrayList<>();
    if (trainPart > 0) {
      out.add("train " + Checks.show(trainPart));
    }
    if (val > 0) {
      out.add("val " + Checks.show(val));
    }
    if (test > 0) {
      out.add("test " + Checks.show(test));
    }
    return out;
  }
}
