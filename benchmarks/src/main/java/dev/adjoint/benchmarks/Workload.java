package dev.adjoint.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The networks compared with PyTorch (design notes, section 6): a stack of dense layers
 * named {@code l1, l2, ...} in their {@code .nn} files, so that both sides can be given the
 * same weights. W4 (inference at batch 1) uses {@link #MNIST_MLP}'s network.
 */
public enum Workload {
  /** W1: 784-256-256-10, relu, softmax cross-entropy, Adam(lr 1e-3), batch 64. */
  MNIST_MLP("mnist_mlp", new int[] {784, 256, 256, 10}, Activation.RELU, true, 64, 1e-3, 0),
  /** W2: 4-16-3, tanh, softmax cross-entropy, SGD(lr 0.01, momentum 0.9), batch 16. */
  TINY("tiny", new int[] {4, 16, 3}, Activation.TANH, true, 16, 0.01, 0.9),
  /** W3: 1024-4096-4096-1024, relu, mean squared error, SGD(lr 0.01), batch 256. */
  WIDE("wide", new int[] {1024, 4096, 4096, 1024}, Activation.RELU, false, 256, 0.01, 0);

  /** The activation of the hidden layers (the last layer has none). */
  public enum Activation { RELU, TANH }

  private final String modelName;
  private final int[] widths;
  private final Activation activation;
  private final boolean classifier;
  private final int batch;
  private final double learningRate;
  private final double momentum;

  Workload(String modelName, int[] widths, Activation activation, boolean classifier, int batch,
      double learningRate, double momentum) {
    this.modelName = modelName;
    this.widths = widths;
    this.activation = activation;
    this.classifier = classifier;
    this.batch = batch;
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  /** The model's name in its .nn file, also the resource's base name. */
  public String modelName() {
    return modelName;
  }

  /** Input features, then each layer's units: {784, 256, 256, 10} for W1. */
  public int[] widths() {
    return widths.clone();
  }

  public int layers() {
    return widths.length - 1;
  }

  public int inputs() {
    return widths[0];
  }

  /** Units of the last layer: classes for a classifier, target width for a regression. */
  public int outputs() {
    return widths[widths.length - 1];
  }

  public Activation activation() {
    return activation;
  }

  /** True: softmax cross-entropy against class indices; false: mean squared error against floats. */
  public boolean classifier() {
    return classifier;
  }

  /** Samples per training step. */
  public int batch() {
    return batch;
  }

  /** The .nn train block's learning rate (Adam for W1, SGD for W2 and W3). */
  public double learningRate() {
    return learningRate;
  }

  /** SGD's momentum (0: none; W1 uses Adam). */
  public double momentum() {
    return momentum;
  }

  /** True for W1, whose train block says Adam; the others use SGD. */
  public boolean adam() {
    return this == MNIST_MLP;
  }

  /** The name of layer {@code i} (from 0) in the .nn file: {@code l1}, {@code l2}, ... */
  public static String layerName(int i) {
    return "l" + (i + 1);
  }

  /**
   * Floating-point operations of one training step as counted here: 6 · batch · Σ in·out
   * over the dense layers (2 for the forward product, 2 for the input gradient, 2 for the
   * weight gradient). It leaves out biases, activations, the loss and the update, and counts
   * the first layer's input gradient, which neither side computes.
   */
  public double flopsPerStep() {
    double sum = 0;
    for (int i = 0; i < layers(); i++) {
      sum += (double) widths[i] * widths[i + 1];
    }
    return 6.0 * batch * sum;
  }

  /** The model's .nn text, from the resources. */
  public String text() {
    String resource = modelName + ".nn";
    try (InputStream in = Workload.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the benchmarks jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
