package dev.adjoint.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every method that generated element-wise loops call per element stays within HotSpot's
 * MaxInlineSize (35 bytecode bytes), so C2 inlines it whatever the call site's profile: a
 * 134-byte erf was inlined only where the profile marked the call hot, and GELU's loop
 * elsewhere ran at 20 ns an element instead of 3. Reads the bytecode lengths from the
 * class files themselves.
 */
class ScalarsInliningTest {
  private static final int MAX_INLINE_SIZE = 35;

  @Test
  void everyPerElementMethodIsSmallEnoughToInlineAnywhere() throws IOException {
    for (Class<?> type : new Class<?>[] {Scalars.class, ErfTable.class, ExpTable.class}) {
      Map<String, Integer> lengths = codeLengths(type);
      assertTrue(lengths.size() >= 4, type + ": " + lengths);
      lengths.forEach((method, length) -> {
        if (!method.startsWith("<clinit>") && !method.startsWith("slope")) {
          assertTrue(length <= MAX_INLINE_SIZE, type.getSimpleName() + "." + method + " has " + length
              + " bytes of bytecode, over " + MAX_INLINE_SIZE + ": split it into helpers");
        }
      });
    }
  }

  @Test
  void readsTheLengthsOfTheClassFile() throws IOException {
    Map<String, Integer> lengths = codeLengths(ScalarsInliningTest.class);
    assertEquals(2, lengths.get("big()I"), "iconst_1; ireturn");
    assertTrue(lengths.get("codeLengths(Ljava/lang/Class;)Ljava/util/Map;") > MAX_INLINE_SIZE);
  }

  private static int big() {
    return 1;
  }

  /** Name and descriptor to the length of the method's Code attribute, from the class file. */
  private static Map<String, Integer> codeLengths(Class<?> type) throws IOException {
    try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class");
        DataInputStream in = new DataInputStream(raw)) {
      assertEquals(0xCAFEBABE, in.readInt());
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7, 8, 16, 19, 20 -> in.skipBytes(2);
          case 15 -> in.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
          case 5, 6 -> {
            in.skipBytes(8);
            i++;
          }
          default -> throw new IOException("constant pool tag " + tag);
        }
      }
      in.skipBytes(6);
      in.skipBytes(2 * in.readUnsignedShort());
      int fields = in.readUnsignedShort();
      for (int f = 0; f < fields; f++) {
        in.skipBytes(6);
        skipAttributes(in);
      }
      Map<String, Integer> lengths = new LinkedHashMap<>();
      int methods = in.readUnsignedShort();
      for (int m = 0; m < methods; m++) {
        in.skipBytes(2);
        String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
          String attribute = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (attribute.equals("Code")) {
            in.skipBytes(4);
            lengths.put(name, in.readInt());
            in.skipBytes(length - 8);
          } else {
            in.skipBytes(length);
          }
        }
      }
      return lengths;
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.skipBytes(2);
      in.skipBytes(in.readInt());
    }
  }
}
