package dev.adjoint.data;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 text from a stream that fails on the first byte that is not UTF-8 with the line it
 * is on (a {@link NotUtf8Exception}), where Java's readers say only "Input length = 1".
 * Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}, as CSV counts them.
 */
final class Utf8Reader extends Reader {
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer pending = ByteBuffer.allocate(1 << 16).flip();
  private boolean ended;
  private long line = 1;
  private boolean afterCr;

  Utf8Reader(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(char[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    CharBuffer out = CharBuffer.wrap(buffer, offset, length);
    while (out.position() == offset) {
      CoderResult result = decoder.decode(pending, out, ended);
      if (result.isError()) {
        count(buffer, offset, out.position());
        throw new NotUtf8Exception(line, pending.get(pending.position()) & 0xFF);
      }
      if (out.position() > offset) {
        break;
      }
      if (ended) {
        return -1;
      }
      fill();
    }
    count(buffer, offset, out.position());
    return out.position() - offset;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void fill() throws IOException {
    pending.compact();
    int n = in.read(pending.array(), pending.position(), pending.remaining());
    if (n < 0) {
      ended = true;
    } else {
      pending.position(pending.position() + n);
    }
    pending.flip();
  }

  private void count(char[] chars, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = chars[i];
      if (c == '\n') {
        line += afterCr ? 0 : 1;
      } else if (c == '\r') {
        line++;
      }
      afterCr = c == '\r';
    }
  }

  /** A byte that is not UTF-8, with the line (1-based) it is on. */
  static final class NotUtf8Exception extends CharConversionException {
    private static final long serialVersionUID = 1L;
    private final long line;

    NotUtf8Exception(long line, int value) {
      super(String.format("byte 0x%02x is not part of a UTF-8 character", value));
      this.line = line;
    }

    long line() {
      return line;
    }
  }
}
