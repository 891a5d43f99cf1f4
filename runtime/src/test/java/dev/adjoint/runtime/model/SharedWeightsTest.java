package dev.adjoint.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link CompiledModel#sharingWeights}: models that take their parameters and states whole
 * share the donor's arrays while their buffers stay their own, and models of other shapes
 * are refused.
 */
class SharedWeightsTest {
  /** y = x · w + s for rows of {@code width} features: a parameter w[width] and a state s[1]. */
  static class Dot extends CompiledModel {
    final float[] x;
    final float[] y;
    final float[] w;
    final float[] s;

    Dot(int maxBatch, int width) {
      super(maxBatch);
      x = registerInput(new TensorSpec("x", DType.F32, TensorSpec.BATCH, width), new float[maxBatch * width]);
      y = registerOutput(new TensorSpec("y", DType.F32, TensorSpec.BATCH, 1), new float[maxBatch]);
      w = registerParam(new TensorSpec("w", DType.F32, width), new float[width]);
      s = registerState(new TensorSpec("s", DType.F32, 1), new float[1]);
      initializeUnlessShared();
    }

    @Override
    public String modelName() {
      return "dot";
    }

    @Override
    public boolean hasLoss() {
      return false;
    }

    @Override
    public double trainStep(int batch) {
      throw noLoss();
    }

    @Override
    public double evaluate(int batch) {
      throw noLoss();
    }

    @Override
    public void predict(int batch) {
      for (int r = 0; r < batch; r++) {
        double sum = s[0];
        for (int e = 0; e < w.length; e++) {
          sum += x[r * w.length + e] * w[e];
        }
        y[r] = (float) sum;
      }
    }

    @Override
    public void initialize(long seed) {
      w[0] = 2;
      w[1] = -1;
      s[0] = 0.5f;
    }
  }

  @Test
  void aSharingModelDoesNotInitializeTheWeightsItTakes() {
    Dot donor = new Dot(4, 2);
    assertArrayEquals(new float[] {2, -1}, donor.w, "a model of its own initializes");
    donor.w[0] = 7; // as a checkpoint loads it
    donor.s[0] = 9;
    Dot shared = CompiledModel.sharingWeights(donor, () -> new Dot(1, 2));
    assertArrayEquals(new float[] {7, -1}, donor.w);
    assertArrayEquals(new float[] {9}, donor.s);
    assertSame(donor.w, shared.w);
  }

  @Test
  void wholeArraysAreSharedAndBuffersAreNot() {
    Dot donor = new Dot(4, 2);
    Dot a = CompiledModel.sharingWeights(donor, () -> new Dot(3, 2));
    Dot b = CompiledModel.sharingWeights(donor, () -> new Dot(3, 2));
    assertSame(donor.w, a.w);
    assertSame(donor.w, b.w);
    assertSame(donor.s, a.s);
    assertSame(donor.param("w").f32(), a.param("w").f32());
    assertSame(donor.state("s").f32(), b.state("s").f32());
    assertNotSame(a.x, b.x);
    assertNotSame(a.y, b.y);
    a.x[0] = 1;
    a.x[1] = 1;
    b.x[0] = 3;
    b.x[1] = 0;
    a.predict(1);
    b.predict(1);
    assertEquals(1.5f, a.y[0]);
    assertEquals(6.5f, b.y[0]);
    // a change to the donor's weights is seen by every sharing model
    donor.w[1] = 0;
    a.predict(1);
    assertEquals(2.5f, a.y[0]);
    // outside sharingWeights, a new model has weights of its own
    assertNotSame(donor.w, new Dot(1, 2).w);
  }

  /** Two layers registered as views of one stacked buffer, as a repeat compiled as a loop registers them. */
  static final class Stacked extends Dot {
    final float[] stack = new float[4];

    Stacked() {
      super(1, 2);
      registerParam(new TensorSpec("l.1.w", DType.F32, 2), stack, 0);
      registerParam(new TensorSpec("l.2.w", DType.F32, 2), stack, 2);
    }

    @Override
    public void initialize(long seed) {
      super.initialize(seed);
      if (stack != null) {
        java.util.Arrays.fill(stack, 1);
      }
    }
  }

  @Test
  void layersOfAStackedBufferAreCopiedNotShared() {
    Stacked donor = new Stacked();
    donor.param("l.2.w").set(1, 5);
    Stacked copy = CompiledModel.sharingWeights(donor, Stacked::new);
    assertNotSame(donor.stack, copy.stack);
    assertArrayEquals(new float[] {0, 0, 0, 5}, copy.stack, "the donor's values, not initialized ones");
    assertSame(donor.w, copy.w, "whole arrays are still shared");
  }

  @Test
  void modelsOfOtherShapesAreRefused() {
    Dot donor = new Dot(2, 2);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> CompiledModel.sharingWeights(new Dot(2, 3), () -> new Dot(2, 2)));
    assertTrue(refused.getMessage().contains("cannot share w"), refused.getMessage());
    assertArrayEquals(new float[] {2, -1}, donor.w);
  }
}
