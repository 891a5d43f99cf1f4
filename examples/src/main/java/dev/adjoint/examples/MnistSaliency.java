package dev.adjoint.examples;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.compiler.ModelFunction;
import dev.adjoint.compiler.autodiff.FunctionSpec;
import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.runtime.checkpoint.AtomicFile;
import dev.adjoint.runtime.model.CompiledModel;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Saliency maps: trains the MNIST perceptron for two epochs, then for one test digit of each
 * class 0 to 5 asks a compiled {@link ModelFunction} for the gradient of the predicted class's
 * probability with respect to the 784 pixels, and draws each digit above its gradient (red
 * where more ink would raise the probability, blue where it would lower it) in a PNG.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... dev.adjoint.examples.MnistSaliency
 * [examples folder] [out.png]}
 */
public final class MnistSaliency {
  static final List<String> SETS = List.of("hidden=64", "p=0.1");
  private static final int SCALE = 4;
  private static final int CELL = MnistDigits.SIDE * SCALE;
  private static final int MARGIN = 10;
  private static final int TRAIN = 8000;
  private static final int FIRST_TEST = 9000;

  private MnistSaliency() {}

  /** The digits shown, their predicted classes, each one's gradient, and the accuracy on 1,000 test digits. */
  public record Result(int[] digits, int[] predicted, float[][] saliency, double accuracy) {}

  public static void main(String[] args) throws IOException {
    Path examples = Path.of(args.length > 0 ? args[0] : "examples");
    Path png = Path.of(args.length > 1 ? args[1] : "saliency.png");
    Result r = run(examples, png);
    System.out.printf("test accuracy %.1f%%; predicted %s; saliency written to %s%n", 100 * r.accuracy(),
        Arrays.toString(r.predicted()), png);
  }

  public static Result run(Path examples, Path png) throws IOException {
    Path file = examples.resolve("mnist/mnist.nn");
    MnistDigits data = MnistDigits.read(examples.resolve("mnist"));
    ModelUnit unit = Adjoint.check(file, null, SETS);
    CompiledModel model = Adjoint.compile(file, null, SETS).newModel(64);
    model.initialize(42);
    data.train(model, TRAIN, 2, 64);
    double accuracy = data.accuracy(model, FIRST_TEST, 1000);

    // d probs[0, c] / d x: the cotangent picks the predicted class c of the one digit in the batch
    ModelFunction saliency = ModelFunction.bind(unit, FunctionSpec.vjp("probs", FunctionSpec.Wrt.INPUTS), model);
    int[] digits = firstOfEachClass(data, 6);
    int[] predicted = new int[digits.length];
    float[][] gradients = new float[digits.length][];
    for (int k = 0; k < digits.length; k++) {
      System.arraycopy(data.pixels()[digits[k]], 0, model.input("x").f32(), 0, MnistDigits.PIXELS);
      model.predict(1);
      predicted[k] = MnistDigits.argmax(model.output("probs").f32(), 10);
      System.arraycopy(data.pixels()[digits[k]], 0, saliency.input("x").f32(), 0, MnistDigits.PIXELS);
      float[] cotangent = saliency.input(FunctionSpec.COTANGENT).f32();
      Arrays.fill(cotangent, 0f);
      cotangent[predicted[k]] = 1;
      saliency.compute(1);
      gradients[k] = Arrays.copyOf(saliency.output("grad.x").f32(), MnistDigits.PIXELS);
    }
    write(png, data, digits, predicted, gradients);
    return new Result(digits, predicted, gradients, accuracy);
  }

  /** The first test digit of each class below {@code classes}. */
  private static int[] firstOfEachClass(MnistDigits data, int classes) {
    int[] out = new int[classes];
    Arrays.fill(out, -1);
    for (int i = FIRST_TEST; i < data.count(); i++) {
      int label = data.labels()[i];
      if (label < classes && out[label] < 0) {
        out[label] = i;
      }
    }
    return out;
  }

  /** Digits on the top row, their gradients below, each gradient scaled by its own largest magnitude. */
  private static void write(Path png, MnistDigits data, int[] digits, int[] predicted, float[][] gradients) {
    System.setProperty("java.awt.headless", "true");
    int width = digits.length * (CELL + MARGIN) + MARGIN;
    int height = 2 * CELL + 3 * MARGIN + 40;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.drawString("d P(predicted class) / d pixels   (red: more ink raises it, blue: lowers it)", MARGIN, 18);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int k = 0; k < digits.length; k++) {
      int left = MARGIN + k * (CELL + MARGIN);
      int top = 30;
      float[] pixels = data.pixels()[digits[k]];
      float largest = 1e-30f;
      for (float v : gradients[k]) {
        largest = Math.max(largest, Math.abs(v));
      }
      for (int p = 0; p < MnistDigits.PIXELS; p++) {
        int gray = 255 - Math.round(255 * pixels[p]);
        fill(image, left, top, p, new Color(gray, gray, gray).getRGB());
        fill(image, left, top + CELL + MARGIN, p, diverging(gradients[k][p] / largest));
      }
      g.setColor(Color.BLACK);
      g.drawString("true " + data.labels()[digits[k]] + ", pred " + predicted[k], left,
          top + 2 * CELL + MARGIN + 16);
    }
    g.dispose();
    AtomicFile.write(png, channel -> {
      if (!ImageIO.write(image, "png", Channels.newOutputStream(channel))) {
        throw new IOException("no PNG writer in this JVM");
      }
    });
  }

  private static void fill(BufferedImage image, int left, int top, int pixel, int rgb) {
    int x = left + (pixel % MnistDigits.SIDE) * SCALE;
    int y = top + (pixel / MnistDigits.SIDE) * SCALE;
    for (int dy = 0; dy < SCALE; dy++) {
      for (int dx = 0; dx < SCALE; dx++) {
        image.setRGB(x + dx, y + dy, rgb);
      }
    }
  }

  /** White at 0, red towards +1, blue towards -1. */
  private static int diverging(float t) {
    int fade = 255 - Math.round(255 * Math.min(1, Math.abs(t)));
    return t >= 0 ? new Color(255, fade, fade).getRGB() : new Color(fade, fade, 255).getRGB();
  }
}
