package dev.adjoint.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.compiler.Adjoint;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One generated model used by two threads: the second is refused with a clear exception while
 * the first owns the model, instead of both getting each other's values; a released model (as a
 * pool hands it on) or one whose owner thread has ended is taken over.
 */
class SharedModelTest {
  private static final String MODEL = """
      model twice {
        input x: f32[B, 3]
        output y = x * 2
      }
      """;

  @Test
  void aSecondThreadIsRefusedUntilTheFirstReleases() throws Exception {
    CompiledModel model = Adjoint.compile("twice", MODEL).newModel(4);
    CountDownLatch owned = new CountDownLatch(1);
    CountDownLatch refused = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Thread first = new Thread(() -> {
      try {
        model.predict(4);
        owned.countDown();
        refused.await();
        model.predict(4); // still the owner's
        model.release();
        released.countDown();
      } catch (Throwable e) {
        firstFailure.set(e);
        owned.countDown();
        released.countDown();
      }
    }, "first-user");
    first.start();
    owned.await();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.predict(4));
    assertEquals("model twice is in use by thread 'first-user' and was called from thread '"
        + Thread.currentThread().getName() + "': a model is not thread-safe (its buffers hold one call's values), so "
        + "it refuses a second thread; give each thread its own model (newModel), or take models from a pool whose "
        + "borrowers call release() before giving them back", e.getMessage());
    refused.countDown();
    released.await();
    first.join();
    assertEquals(null, firstFailure.get());

    model.input("x").set(0, 1.5);
    model.predict(1);
    assertEquals(3.0, model.output("y").get(0), "taken over after release()");
  }

  @Test
  void aModelWhoseOwnerEndedIsTakenOver() throws Exception {
    CompiledModel model = Adjoint.compile("twice", MODEL).newModel(2);
    Thread first = new Thread(() -> model.predict(2));
    first.start();
    first.join();
    model.predict(2); // the first owner has ended: this thread takes the model
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread other = new Thread(() -> {
      try {
        model.predict(2);
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    other.start();
    other.join();
    assertTrue(failure.get() instanceof IllegalStateException, "now this thread owns it: " + failure.get());
  }
}
