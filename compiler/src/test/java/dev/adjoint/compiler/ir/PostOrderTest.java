package dev.adjoint.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.source.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostOrderTest {
  private static final SourceSpan SPAN = SourceSpan.synthetic("test");
  private final NodeBuilder gb = NodeBuilder.start(SPAN, 0);

  private static Node input(String name) {
    return Node.of(Op.INPUT, List.of(), new Attrs.Input(name, ScalarType.F32, Shape.of(2), false, 0, List.of()), SPAN);
  }

  @Test
  void putsEachNodeOnceAfterItsInputsInInputOrder() {
    Node a = input("a");
    Node b = input("b");
    Node sum = gb.add(a, b);
    Node product = gb.mul(sum, a);
    Node diamond = gb.add(product, sum);
    assertEquals(List.of(a, b, sum, product, diamond), PostOrder.of(List.of(diamond)));
    assertEquals(List.of(b, a), PostOrder.of(List.of(b, a)));
  }

  @Test
  void followsTheEdgesItIsGiven() {
    Node a = input("a");
    Node b = input("b");
    Node sum = gb.add(a, b);
    assertEquals(List.of(b, sum), PostOrder.of(List.of(sum), n -> n == sum ? List.of(n.input(1)) : n.inputs()));
  }

  @Test
  void appendsOnlyWhatIsNotDoneYet() {
    Node a = input("a");
    Node b = input("b");
    Node sum = gb.add(a, b);
    List<Node> order = new ArrayList<>(List.of(b));
    Set<Node> done = Collections.newSetFromMap(new IdentityHashMap<>());
    done.add(b);
    PostOrder.appendTo(order, done, List.of(sum, a), Node::inputs);
    assertEquals(List.of(b, a, sum), order);
    assertEquals(3, done.size());
  }

  @Test
  void walksAChainDeeperThanTheJavaStack() {
    Node first = input("x");
    Node h = first;
    for (int i = 0; i < 200_000; i++) {
      h = gb.neg(h);
    }
    List<Node> order = PostOrder.of(List.of(h));
    assertEquals(200_001, order.size());
    assertSame(first, order.get(0));
    assertSame(h, order.get(order.size() - 1));
    assertTrue(order.get(1).inputs().contains(first));
  }
}
