package dev.adjoint.data;

import static dev.adjoint.data.CsvTest.assertError;
import static dev.adjoint.data.Specs.f32;
import static dev.adjoint.data.Specs.f64;
import static dev.adjoint.data.Specs.i32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.adjoint.runtime.predict.Standardizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardizationTest {
  /** x: f32[B,2] with a varying and a constant feature, z: f64[B], y: i32[B]. */
  private static Dataset data() {
    return Dataset.builder(4)
        .add(f32("x", 2), new float[] {1, 5, 2, 5, 3, 5, 4, 5})
        .add(f64("z", 1), new double[] {10, 20, 30, 40})
        .add(i32("y"), new int[] {0, 1, 0, 1})
        .build();
  }

  @Test
  void populationMeanAndDeviationPerFeature() {
    Standardizer s = Standardization.fit(data(), List.of("x", "z"));
    assertArrayEquals(new double[] {2.5, 5}, s.mean("x"));
    assertArrayEquals(new double[] {Math.sqrt(1.25), 1}, s.std("x"), "a constant feature's deviation is 1");
    assertArrayEquals(new double[] {25}, s.mean("z"));
    assertArrayEquals(new double[] {Math.sqrt(125)}, s.std("z"));
    assertEquals(List.of("x", "z"), s.columns());
  }

  @Test
  void applyStandardizesTheFittedColumnsOnly() {
    Dataset d = data();
    Dataset out = Standardization.apply(Standardization.fit(d, List.of("x", "z")), d);
    float r = (float) Math.sqrt(1.25);
    assertArrayEquals(new float[] {(float) (-1.5 / r), 0, (float) (-0.5 / Math.sqrt(1.25)), 0,
        (float) (0.5 / Math.sqrt(1.25)), 0, (float) (1.5 / Math.sqrt(1.25)), 0}, out.f32("x"), 1e-6f);
    assertArrayEquals(new double[] {-15 / Math.sqrt(125), -5 / Math.sqrt(125), 5 / Math.sqrt(125),
        15 / Math.sqrt(125)}, out.f64("z"), 0);
    assertArrayEquals(d.i32("y"), out.i32("y"));
    assertArrayEquals(new float[] {1, 5, 2, 5, 3, 5, 4, 5}, d.f32("x"), "the input data set is unchanged");
    assertSame(d, Standardization.apply(Standardizer.none(), d));
  }

  @Test
  void fittedOnTheTrainingSplitOnlyAndAppliedToEverySplit() {
    int n = 200;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    Splits s = Splits.split(Dataset.builder(n).add(f32("x"), x).build(), 0.5, 0.5, 0, 4);
    Standardizer fitted = Standardization.fit(s.train(), List.of("x"));
    double mean = 0;
    for (float v : s.train().f32("x")) {
      mean += v;
    }
    mean /= s.train().size();
    assertEquals(mean, fitted.mean("x")[0], 1e-12);
    double var = 0;
    for (float v : s.train().f32("x")) {
      var += (v - mean) * (v - mean);
    }
    assertEquals(Math.sqrt(var / s.train().size()), fitted.std("x")[0], 1e-12);
    Dataset val = Standardization.apply(fitted, s.val());
    assertEquals((float) ((s.val().f32("x")[0] - mean) / fitted.std("x")[0]), val.f32("x")[0]);
    double trainMean = 0;
    for (float v : Standardization.apply(fitted, s.train()).f32("x")) {
      trainMean += v;
    }
    assertEquals(0, trainMean / s.train().size(), 1e-6);
  }

  @Test
  void serializesBitForBit() {
    Dataset d = Dataset.builder(3)
        .add(f64("v", 3), new double[] {0.1, 1e-300, 1.0 / 3, 0.2, 4.9e-324, 2.0 / 3, 0.3, 1e300, 1})
        .add(f32("x"), new float[] {0.1f, 0.7f, 1e-7f})
        .build();
    Standardizer s = Standardization.fit(d, List.of("v", "x"));
    Map<String, String> metadata = new LinkedHashMap<>(s.toMap());
    assertEquals(List.of("standardize.columns", "standardize.v.mean", "standardize.v.std", "standardize.x.mean",
        "standardize.x.std"), List.copyOf(metadata.keySet()));
    assertEquals("v,x", metadata.get("standardize.columns"));
    metadata.put("format", "pt");
    Standardizer back = Standardization.fromMetadata(metadata);
    assertEquals(s.columns(), back.columns());
    for (String c : s.columns()) {
      assertBits(s.mean(c), back.mean(c));
      assertBits(s.std(c), back.std(c));
    }
    assertArrayEquals(Standardization.apply(s, d).f64("v"), Standardization.apply(back, d).f64("v"), 0);
    assertEquals(List.of(), Standardization.fromMetadata(Map.of("format", "pt")).columns());
    assertEquals(Map.of("standardize.columns", ""), Standardizer.none().toMap());
    assertEquals(List.of(), Standardization.fromMetadata(Standardizer.none().toMap()).columns());
  }

  @Test
  void standardizesAModelInputInPlace() {
    Dataset d = data();
    Standardizer s = Standardization.fit(d, List.of("x"));
    FakeModel model = new FakeModel(4, f32("x", 2), i32("y"));
    Batches.fill(d, new int[] {0, 1, 2, 3}, 0, 3, model);
    s.applyInPlace(model.input("x"), 3);
    s.applyInPlace(model.input("y"), 3);
    float[] expected = Standardization.apply(s, d).f32("x");
    float[] actual = model.input("x").f32();
    assertArrayEquals(java.util.Arrays.copyOf(expected, 6), java.util.Arrays.copyOf(actual, 6));
    assertEquals(0, actual[6]);
    assertArrayEquals(new int[] {0, 1, 0, 0}, model.input("y").i32());
  }

  @Test
  void standardizesAFullF64BufferInPlaceAndChecksItsWidth() {
    Standardizer s = Standardization.fit(data(), List.of("z"));
    FakeModel model = new FakeModel(2, f64("z", 1), f64("w", 2));
    double[] z = model.input("z").f64();
    z[0] = 10;
    z[1] = 35;
    s.applyInPlace(model.input("z"), 2);
    double std = Math.sqrt(125);
    assertArrayEquals(new double[] {-15 / std, 10 / std}, z, 1e-15);
    Standardizer wide = Standardization.fit(Dataset.builder(2).add(f64("w", 3), new double[] {1, 2, 3, 4, 5, 6}).build(),
        List.of("w"));
    IllegalArgumentException narrow = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> wide.applyInPlace(model.input("w"), 1));
    assertEquals("cannot standardize 'w': it has 2 values per sample, but 3 were fitted", narrow.getMessage());
    IllegalArgumentException tooMany = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> s.applyInPlace(model.input("z"), 3));
    assertEquals("batch 3 does not fit " + model.input("z").spec() + ", which holds 2 samples", tooMany.getMessage());
  }

  @Test
  void errors() {
    assertError("cannot standardize y: i32[B]: only f32 and f64 columns are standardized",
        () -> Standardization.fit(data(), List.of("y")));
    assertError("cannot standardize 'w': the data has no such column; it has: x, z, y",
        () -> Standardization.fit(data(), List.of("w")));
    assertError("cannot standardize x: the training data has no rows to compute means from",
        () -> Standardization.fit(data().select(new int[0]), List.of("x")));
    Standardizer s = Standardization.fit(data(), List.of("z"));
    assertError("cannot standardize 'z': it has 2 values per sample, but 1 were fitted",
        () -> Standardization.apply(s, Dataset.builder(1).add(f64("z", 2), new double[2]).build()));
    assertError("standardization metadata: standardize.x.std is missing",
        () -> Standardization.fromMetadata(Map.of("standardize.columns", "x", "standardize.x.mean", "1")));
    assertError("standardization metadata: standardize.x.mean has 1 values but standardize.x.std has 2",
        () -> Standardization.fromMetadata(Map.of("standardize.columns", "x", "standardize.x.mean", "1",
            "standardize.x.std", "1,2")));
    assertError("standardization metadata: standardize.x.mean: 'one' is not a number",
        () -> Standardization.fromMetadata(Map.of("standardize.columns", "x", "standardize.x.mean", "one",
            "standardize.x.std", "1")));
    assertError("standardization metadata: standardize.x value 1 has mean 2.0 and standard deviation 0.0; expected a "
        + "finite mean and a deviation > 0", () -> Standardization.fromMetadata(Map.of("standardize.columns", "x",
            "standardize.x.mean", "1,2", "standardize.x.std", "1,0")));
    assertError("standardization metadata: standardize.x value 0 has mean NaN and standard deviation 1.0; expected a "
        + "finite mean and a deviation > 0", () -> Standardization.fromMetadata(Map.of("standardize.columns", "x",
            "standardize.x.mean", "NaN", "standardize.x.std", "1")));
  }

  private static void assertBits(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]));
    }
  }
}
