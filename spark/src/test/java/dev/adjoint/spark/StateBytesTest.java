package dev.adjoint.spark;

import static dev.adjoint.spark.ModelVector.Part.GRADIENTS;
import static dev.adjoint.spark.ModelVector.Part.TRAINING;
import static dev.adjoint.spark.ModelVector.Part.WEIGHTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.model.CompiledModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of a model's state: floats for f32 models, exact either way, and the sums it feeds. */
class StateBytesTest {
  private static final String MODEL = """
      model m {
        input  x: f32[B, 3]
        target y: class[B] of 2
        param  w: DTYPE[3, 2] = glorot_uniform
        param  b: f32[2] = 0.25
        output p = softmax(PRODUCT + b)
        loss = cross_entropy(p, y)
      }
      train m { data npy("x.npy", "y.npy"); optimizer adam(lr = 0.1); batch 2; epochs 1 }
      """;

  private static CompiledModel model(String dtype, long seed) {
    String text = MODEL.replace("PRODUCT", dtype.equals("f32") ? "x @ w" : "f32(f64(x) @ w)").replace("DTYPE", dtype);
    CompiledModel model = JvmModels.factory(new ModelSource("m.nn", text, null, List.of())).newModel(2);
    model.initialize(seed);
    return model;
  }

  /** A model whose parameters, moments and gradients all differ from zero and from each other. */
  private static CompiledModel trained(String dtype, long seed) {
    CompiledModel model = model(dtype, seed);
    float[] x = model.input("x").f32();
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(seed + i) * 3;
    }
    model.input("y").i32()[0] = 1;
    model.setLearningRate(0.1);
    model.trainStep(2);
    model.trainStep(2);
    return model;
  }

  @Test
  void anF32ModelTravelsAsFloatsAndComesBackBitForBit() {
    CompiledModel from = trained("f32", 1);
    for (ModelVector.Part part : ModelVector.Part.values()) {
      byte[] bytes = StateBytes.encode(from, part);
      int values = ModelVector.size(from, part);
      assertEquals(Float.BYTES, bytes[0]);
      assertEquals(1 + Float.BYTES * values, bytes.length);
      assertEquals(values, StateBytes.count(bytes));
      CompiledModel to = model("f32", 2);
      assertNotEquals(ModelVector.of(from, part)[0], ModelVector.of(to, part)[0]);
      StateBytes.decode(bytes, to, part);
      assertArrayEquals(ModelVector.of(from, part), ModelVector.of(to, part), part.name());
    }
  }

  @Test
  void aModelWithAnF64TensorTravelsAsDoubles() {
    CompiledModel from = trained("f64", 3);
    byte[] bytes = StateBytes.encode(from, TRAINING);
    assertEquals(Double.BYTES, bytes[0]);
    assertEquals(1 + Double.BYTES * ModelVector.size(from, TRAINING), bytes.length);
    CompiledModel to = model("f64", 4);
    StateBytes.decode(bytes, to, TRAINING);
    assertArrayEquals(ModelVector.of(from, TRAINING), ModelVector.of(to, TRAINING));
    double[] w = to.params().get("w").f64();
    assertTrue(w[0] != (float) w[0] || w[1] != (float) w[1], "an f64 value that a float would round");
  }

  @Test
  void addingScalesEveryValueByItsWeight() {
    CompiledModel model = trained("f32", 5);
    double[] values = ModelVector.of(model, GRADIENTS);
    double[] sum = new double[values.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = i;
    }
    StateBytes.addTo(StateBytes.encode(model, GRADIENTS), 64, sum);
    for (int i = 0; i < sum.length; i++) {
      assertEquals(i + 64 * values[i], sum[i], 0, "value " + i);
    }
    assertThrows(IllegalArgumentException.class,
        () -> StateBytes.addTo(StateBytes.encode(model, GRADIENTS), 1, new double[values.length + 1]));
  }

  @Test
  void aStateOfAnotherSizeOrNoStateIsRefused() {
    CompiledModel model = model("f32", 6);
    byte[] weights = StateBytes.encode(model, WEIGHTS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StateBytes.decode(weights, model, TRAINING));
    assertTrue(e.getMessage().contains(ModelVector.size(model, WEIGHTS) + " values"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StateBytes.count(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> StateBytes.count(new byte[] {3, 0, 0, 0}));
    assertThrows(IllegalArgumentException.class, () -> StateBytes.count(new byte[] {4, 0, 0}));
    assertEquals(0, StateBytes.count(new byte[] {8}));
  }

  @Test
  void mergedResultsAverageAsTheirWeightedDoublesDo() {
    CompiledModel a = trained("f32", 7);
    CompiledModel b = trained("f32", 8);
    CompiledModel c = trained("f32", 9);
    RoundResult ra = RoundResult.of(StateBytes.encode(a, TRAINING), 512, 1.5, 512);
    RoundResult rb = RoundResult.of(StateBytes.encode(b, TRAINING), 256, 2.5, 256);
    RoundResult rc = RoundResult.of(StateBytes.encode(c, TRAINING), 64, 0.5, 64);
    double[] va = ModelVector.of(a, TRAINING);
    double[] vb = ModelVector.of(b, TRAINING);
    double[] vc = ModelVector.of(c, TRAINING);
    RoundResult merged = RoundResult.merge(RoundResult.merge(RoundResult.EMPTY, RoundResult.merge(ra, rb)),
        RoundResult.merge(rc, RoundResult.EMPTY));
    double[] mean = merged.average();
    for (int i = 0; i < mean.length; i++) {
      assertEquals((512 * va[i] + 256 * vb[i] + 64 * vc[i]) / 832, mean[i], 0, "value " + i);
    }
    assertEquals(832, merged.weight());
    assertEquals(832, merged.samples());
    assertEquals(4.5 / 832, merged.meanLoss(), 0);
    assertArrayEquals(va, RoundResult.merge(RoundResult.EMPTY, ra).average());
    assertThrows(IllegalStateException.class, () -> RoundResult.EMPTY.average());
    assertTrue(Double.isNaN(RoundResult.EMPTY.meanLoss()));
  }
}
