package dev.adjoint.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.ir.Op;
import dev.adjoint.compiler.ir.ScalarType;
import dev.adjoint.compiler.ir.ScanBody;
import dev.adjoint.compiler.ir.Shape;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop-invariant B operands of a loop body's matrix products, packed once per run of the
 * loop instead of at every step: an f32 product whose B is one of the body's constants (a
 * weight matrix passed into the loop, such as an LSTM's weight_hh) reads a
 * {@code PackedMatrix} field that the loop's method fills before its {@code for}. Products
 * reading the same constant in the same layout share one packing. The results are bit for
 * bit those of the plain products ({@code GemmEngine.multiplyPacked}).
 */
final class PackedOperands {
  /** No product packed: what a method outside any loop uses. */
  static final PackedOperands NONE = new PackedOperands(List.of(), new IdentityHashMap<>());

  /** One packing: a body constant in one layout, its field, and logical B's k × n. */
  record Packing(Node constant, boolean transposeB, String field, int k, int n) {}

  private final List<Packing> packings;
  private final Map<Node, Packing> byProduct;

  private PackedOperands(List<Packing> packings, Map<Node, Packing> byProduct) {
    this.packings = packings;
    this.byProduct = byProduct;
  }

  /** The packings of a body's products, their fields named from {@code prefix}. */
  static PackedOperands of(ScanBody body, Lowering.Plan bodyPlan, Names names, String prefix) {
    List<Packing> packings = new ArrayList<>();
    Map<Node, Packing> byProduct = new IdentityHashMap<>();
    for (Lowering.Step step : bodyPlan.steps()) {
      Node node = step.node();
      if (!packable(node, body) || bodyPlan.epilogue(node) != null) {
        continue;
      }
      Node constant = node.input(1);
      boolean transposeB = node.attrs(Attrs.Matmul.class).transposeB();
      Packing packing = packings.stream().filter(p -> p.constant() == constant && p.transposeB() == transposeB)
          .findFirst().orElse(null);
      if (packing == null) {
        Shape w = constant.shape();
        packing = new Packing(constant, transposeB, names.field(prefix + "_packed" + packings.size()),
            transposeB ? w.dim(1) : w.dim(0), transposeB ? w.dim(0) : w.dim(1));
        packings.add(packing);
      }
      byProduct.put(node, packing);
    }
    return new PackedOperands(List.copyOf(packings), byProduct);
  }

  /** An f32 matrix product whose B is a constant of the body: a static, 2-d weight. */
  static boolean packable(Node node, ScanBody body) {
    if (node.op() != Op.MATMUL || node.dtype() != ScalarType.F32) {
      return false;
    }
    Node b = node.input(1);
    if (b.shape().rank() != 2 || b.shape().hasBatch() || b.shape().staticSize() == 0) {
      return false;
    }
    for (int j = 0; j < body.constants(); j++) {
      if (body.constant(j) == b) {
        return true;
      }
    }
    return false;
  }

  List<Packing> packings() {
    return packings;
  }

  /** The packing a product reads, or null. */
  Packing of(Node product) {
    return byProduct.get(product);
  }

  /** {@code Gemm.pack(field, transposeB, w, 0)}: before the loop, w the constant's array. */
  static CodeBlock pack(Packing packing, Operand.Array weight, Receiver receiver) {
    return CodeBlock.of("$T.pack($L, $L, $L, 0);\n", RuntimeTypes.GEMM, receiver.field(packing.field()),
        packing.transposeB(), weight.ref());
  }

  /** The product as a call reading the packed B. */
  static CodeBlock multiply(Node product, Packing packing, Operand.Array a, Operand.Array out, Receiver receiver) {
    boolean transposeA = product.attrs(Attrs.Matmul.class).transposeA();
    Shape sa = a.shape();
    String rows = transposeA ? Integer.toString(sa.last()) : Sizes.size(sa, 0, sa.rank() - 1);
    return CodeBlock.of("$T.multiplyPacked($L, $L, $L, 0, $L, $L, 0, false);\n", RuntimeTypes.GEMM, transposeA, rows,
        a.ref(), receiver.field(packing.field()), out.ref());
  }
}
