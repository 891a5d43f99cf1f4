package dev.adjoint.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The commons-io that commons-csv needs is there; an older one is a data error naming what to declare. */
class CommonsIoCheckTest {
  @Test
  void theBuildsCommonsIoPassesAndNamesItsVersion() {
    CommonsIoCheck.require();
    CommonsIoCheck.require(CommonsIoCheck.REQUIRED_CLASS);
    assertEquals("commons-io 2.20.0", CommonsIoCheck.found());
  }

  @Test
  void aMissingClassIsADataErrorSayingWhatToDeclare() {
    DataException e = assertThrows(DataException.class,
        () -> CommonsIoCheck.require("org.apache.commons.io.input.NoSuchReader"));
    assertEquals("reading CSV needs commons-io 2.20.0 or later (commons-csv is built on it), but the class path has"
        + " commons-io 2.20.0 (org.apache.commons.io.input.NoSuchReader is missing): another dependency brings an"
        + " older commons-io; declare commons-io:commons-io:2.20.0 in your build", e.getMessage());
  }
}
