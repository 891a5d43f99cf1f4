package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.ast.Argument;
import dev.adjoint.compiler.ast.Declaration;
import dev.adjoint.compiler.frontend.BoundArgs;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.Shape;
import dev.adjoint.compiler.source.SourceSpan;
import dev.adjoint.runtime.features.TextFeatures;
import dev.adjoint.runtime.text.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code features ngrams(ids, frequencies = w, orders = (1, 2, 3), buckets = (...))} or
 * {@code features bytes(ids, lengths = n)} or {@code features words(ids, vocabulary = 20000)}: how a {@code texts(...)} source's text becomes the
 * model's inputs. Each name is an input of the right type (ids {@code i32[B, L]}, weights
 * {@code f32[B, L]}, lengths {@code i32[B]}), every input is filled, and n-grams give one
 * bucket count per order.
 */
final class FeaturesCheck {
  private FeaturesCheck() {}

  /**
   * The block's features, or null when it has none or after reporting errors.
   */
  static TextFeatures check(TrainBlock block) {
    Declaration.Setting s = block.setting("features");
    if (s == null) {
      return null;
    }
    List<Argument> args = block.calls().positionalOnly(s, 1,
        "features ngrams(grams, frequencies = weights, orders = (1, 2, 3), buckets = (521, 1031, 1031))");
    if (args == null) {
      return null;
    }
    var call = block.calls().asCall(args.get(0).value(), "ngrams(...), bytes(...) or words(...)");
    if (call == null) {
      return null;
    }
    Optional<BoundArgs> bound = block.calls().bindFromTable(call, TrainOptions.FEATURES, "text feature");
    if (bound.isEmpty()) {
      return null;
    }
    BoundArgs b = bound.get();
    int errors = block.diagnostics().errorCount();
    Node ids = input(block, b, "ids", true);
    TextFeatures.Normalization normalization = TextFeatures.Normalization.valueOf(
        b.symbol("normalize").toUpperCase(Locale.ROOT));
    TextFeatures features;
    if (call.callee().equals("bytes")) {
      Node lengths = b.has("lengths") ? input(block, b, "lengths", false) : null;
      features = TextFeatures.bytes(b.symbol("ids"), lengths == null ? null : b.symbol("lengths"),
          b.bool("lowercase"), normalization);
    } else if (call.callee().equals("words")) {
      Node lengths = b.has("lengths") ? input(block, b, "lengths", false) : null;
      features = TextFeatures.words(b.symbol("ids"), lengths == null ? null : b.symbol("lengths"),
          b.integer("vocabulary"), b.bool("lowercase"), normalization);
    } else {
      if (b.has("frequencies") && b.has("counts")) {
        block.diagnostics().error(b.span("counts"), "ngrams() weighs each id by its frequency or by its count, "
            + "not both", "keep frequencies = ... (each order's weights sum to 1) or counts = ...");
      }
      String weightOption = b.has("frequencies") ? "frequencies" : b.has("counts") ? "counts" : null;
      if (weightOption != null) {
        weights(block, b, weightOption, ids);
      }
      List<Integer> orders = b.ints("orders");
      List<Integer> buckets = b.ints("buckets");
      if (orders.size() != buckets.size()) {
        block.diagnostics().error(b.span("buckets"), "ngrams() hashes each order into its own buckets: "
            + orders.size() + (orders.size() == 1 ? " order needs " : " orders need ") + orders.size()
            + (orders.size() == 1 ? " bucket count" : " bucket counts") + ", got " + buckets.size(),
            "e.g. orders = (1, 2, 3), buckets = (521, 1031, 1031)");
      }
      List<Integer> places = b.has("places") ? b.ints("places") : List.of();
      if (b.has("places")) {
        places(block, b, orders, places, ids);
      }
      if (block.diagnostics().errorCount() > errors) {
        return null;
      }
      features = TextFeatures.ngrams(b.symbol("ids"), weightOption == null ? null : b.symbol(weightOption),
          "counts".equals(weightOption) ? TextFeatures.Weighting.COUNT : TextFeatures.Weighting.FREQUENCY, orders,
          buckets, b.bool("lowercase"), normalization).withPlaces(places);
    }
    if (block.diagnostics().errorCount() > errors) {
      return null;
    }
    List<String> unfed = new ArrayList<>();
    for (Node n : block.graph().inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (!a.target() && !features.inputs().contains(a.name())) {
        unfed.add(a.name());
      }
    }
    if (!unfed.isEmpty()) {
      block.diagnostics().error(call.span(), "the features fill " + String.join(" and ", features.inputs())
          + " but the model also reads " + String.join(", ", unfed), "a text model's inputs all come from its text");
      return null;
    }
    return features;
  }

  /** The input named by option {@code option}: ids {@code i32[B, L]} (or lengths {@code i32[B]}); null after an error. */
  private static Node input(TrainBlock block, BoundArgs b, String option, boolean bag) {
    Node n = named(block, b, option);
    if (n == null) {
      return null;
    }
    Shape shape = n.shape();
    boolean fits = n.dtype() == ScalarType.I32 && shape.rank() == (bag ? 2 : 1) && shape.dim(0) == Shape.BATCH;
    if (!fits) {
      block.diagnostics().error(b.span(option), "'" + b.symbol(option) + "' is " + n.type() + "; " + option
          + (bag ? " fill an input i32[B, L], one row of ids per text" : " fill an input i32[B], one count per text"));
      return null;
    }
    return n;
  }

  /** One block of places per order, filling the ids' row exactly. */
  private static void places(TrainBlock block, BoundArgs b, List<Integer> orders, List<Integer> places, Node ids) {
    if (places.size() != orders.size()) {
      block.diagnostics().error(b.span("places"), "ngrams() gives each order its own block of places: "
          + orders.size() + (orders.size() == 1 ? " order needs 1 block" : " orders need " + orders.size() + " blocks")
          + ", got " + places.size(), "e.g. orders = (1, 2, 3), places = (32, 32, 32)");
      return;
    }
    int sum = places.stream().mapToInt(Integer::intValue).sum();
    if (ids != null && sum != ids.shape().dim(1)) {
      block.diagnostics().error(b.span("places"), "the blocks of places add up to " + sum + " but '"
          + b.symbol("ids") + "' has " + ids.shape().dim(1) + " places per text", "make them add up to the ids' width");
    }
  }

  private static void weights(TrainBlock block, BoundArgs b, String option, Node ids) {
    Node n = named(block, b, option);
    if (n == null || ids == null) {
      return;
    }
    if (n.dtype() != ScalarType.F32 || !n.shape().equals(ids.shape())) {
      block.diagnostics().error(b.span(option), "'" + b.symbol(option) + "' is " + n.type() + "; the weights fill "
          + "an input f32 shaped like the ids, " + ids.shape());
    }
  }

  /** The model input (not target) an option names; null after an error. */
  private static Node named(TrainBlock block, BoundArgs b, String option) {
    String name = b.symbol(option);
    SourceSpan span = b.span(option);
    List<Node> inputs = block.graph().inputs().stream().filter(n -> !n.attrs(Attrs.Input.class).target()).toList();
    for (Node n : inputs) {
      if (n.sourceName().equals(name)) {
        return n;
      }
    }
    List<String> names = inputs.stream().map(Node::sourceName).toList();
    String hint = Suggestions.didYouMean(name, names);
    block.diagnostics().error(span, "'" + name + "' is not an input of the model",
        hint != null ? hint : "inputs are: " + String.join(", ", names));
    return null;
  }
}
