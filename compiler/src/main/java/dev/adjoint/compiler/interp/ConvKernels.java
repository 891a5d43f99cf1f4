package dev.adjoint.compiler.interp;

import dev.adjoint.compiler.ir.Attrs;

/**
 * The three convolution ops in f64, channels-last, as one loop over every (output element,
 * filter tap) pair: CONV adds x·w into y, CONV_INPUT_GRAD adds dy·w into dx, CONV_FILTER_GRAD
 * adds x·dy into dw. A 1-D convolution is read as a 2-D one of height 1.
 */
final class ConvKernels {
  private ConvKernels() {}

  /** Where a pass accumulates its products. */
  private enum Into { OUTPUT, INPUT, FILTERS }

  /** The attributes with a height of 1 added to a 1-D convolution, and the sizes of one call. */
  private record Geometry(int n, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw,
      int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
    static Geometry of(Attrs.Conv c, int n, int inC, int outC) {
      int a = c.rank() - 1;
      boolean flat = c.rank() == 1;
      return new Geometry(n, flat ? 1 : c.inputSize().get(0), c.inputSize().get(a), inC,
          flat ? 1 : c.outputSize(0), c.outputSize(a), outC, flat ? 1 : c.kernel().get(0), c.kernel().get(a),
          flat ? 1 : c.stride().get(0), c.stride().get(a), flat ? 0 : c.padBefore().get(0), c.padBefore().get(a),
          flat ? 1 : c.dilation().get(0), c.dilation().get(a), c.groups());
    }
  }

  /** max(conv(x, w) + bias, 0), the bias one value per output channel (the last axis). */
  static F64Tensor convBiasRelu(F64Tensor x, F64Tensor w, F64Tensor bias, Attrs.Conv c) {
    F64Tensor y = conv(x, w, c);
    double[] v = y.data();
    double[] b = bias.raw();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(v[i] + b[i % b.length], 0);
    }
    return F64Tensor.wrap(y.shape(), v);
  }

  static F64Tensor conv(F64Tensor x, F64Tensor w, Attrs.Conv c) {
    Geometry g = Geometry.of(c, x.dim(0), x.dim(x.rank() - 1), w.dim(w.rank() - 1));
    int[] shape = x.shape().clone();
    for (int i = 0; i < c.rank(); i++) {
      shape[i + 1] = c.outputSize(i);
    }
    shape[shape.length - 1] = g.outC();
    double[] y = new double[F64Tensor.zeros(shape).size()];
    run(Into.OUTPUT, g, x.data(), w.data(), y);
    return F64Tensor.wrap(shape, y);
  }

  static F64Tensor inputGrad(F64Tensor dy, F64Tensor w, Attrs.Conv c) {
    int inC = w.dim(w.rank() - 2) * c.groups();
    Geometry g = Geometry.of(c, dy.dim(0), inC, dy.dim(dy.rank() - 1));
    int[] shape = dy.shape().clone();
    for (int i = 0; i < c.rank(); i++) {
      shape[i + 1] = c.inputSize().get(i);
    }
    shape[shape.length - 1] = inC;
    double[] dx = new double[F64Tensor.zeros(shape).size()];
    run(Into.INPUT, g, dx, w.data(), dy.data());
    return F64Tensor.wrap(shape, dx);
  }

  static F64Tensor filterGrad(F64Tensor x, F64Tensor dy, Attrs.Conv c) {
    Geometry g = Geometry.of(c, x.dim(0), x.dim(x.rank() - 1), dy.dim(dy.rank() - 1));
    int[] shape = new int[c.rank() + 2];
    for (int i = 0; i < c.rank(); i++) {
      shape[i] = c.kernel().get(i);
    }
    shape[c.rank()] = g.inC() / g.groups();
    shape[c.rank() + 1] = g.outC();
    double[] dw = new double[F64Tensor.zeros(shape).size()];
    run(Into.FILTERS, g, x.data(), dw, dy.data());
    return F64Tensor.wrap(shape, dw);
  }

  private static void run(Into into, Geometry g, double[] x, double[] w, double[] y) {
    int inPerGroup = g.inC() / g.groups();
    int outPerGroup = g.outC() / g.groups();
    for (int b = 0; b < g.n(); b++) {
      for (int oh = 0; oh < g.outH(); oh++) {
        for (int ow = 0; ow < g.outW(); ow++) {
          for (int co = 0; co < g.outC(); co++) {
            int yi = ((b * g.outH() + oh) * g.outW() + ow) * g.outC() + co;
            int group = co / outPerGroup;
            for (int i = 0; i < g.kh(); i++) {
              int h = oh * g.sh() - g.ph() + i * g.dh();
              for (int j = 0; j < g.kw(); j++) {
                int v = ow * g.sw() - g.pw() + j * g.dw();
                if (h < 0 || h >= g.inH() || v < 0 || v >= g.inW()) {
                  continue;
                }
                for (int ci = 0; ci < inPerGroup; ci++) {
                  int xi = ((b * g.inH() + h) * g.inW() + v) * g.inC() + group * inPerGroup + ci;
                  int wi = ((i * g.kw() + j) * inPerGroup + ci) * g.outC() + co;
                  switch (into) {
                    case OUTPUT -> y[yi] += x[xi] * w[wi];
                    case INPUT -> x[xi] += y[yi] * w[wi];
                    case FILTERS -> w[wi] += x[xi] * y[yi];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
