package dev.adjoint.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Every schedule against its formula, by steps and by epochs. */
class ScheduleTest {
  private static final double BASE = 0.1;

  @Test
  void constantKeepsTheBaseRate() {
    assertEquals(BASE, Schedule.constant().rate(BASE, 12345, 7));
  }

  @Test
  void linearGoesFromStartToEndThenStays() {
    Schedule s = Schedule.linear(1, 0.1, 10, Schedule.Unit.STEP);
    assertEquals(0.1, s.rate(BASE, 0, 0), 1e-15);
    assertEquals(0.1 * (1 - 0.9 * 0.5), s.rate(BASE, 5, 0), 1e-15);
    assertEquals(0.01, s.rate(BASE, 10, 0), 1e-15);
    assertEquals(0.01, s.rate(BASE, 99, 0), 1e-15);
    Schedule byEpoch = Schedule.linear(1, 0, 4, Schedule.Unit.EPOCH);
    assertEquals(0.05, byEpoch.rate(BASE, 999, 2), 1e-15);
  }

  @Test
  void powerDividesByOnePlusTOverScaleToThePower() {
    Schedule s = Schedule.power(100, 0.5, Schedule.Unit.STEP);
    assertEquals(BASE, s.rate(BASE, 0, 0), 1e-15);
    assertEquals(BASE / Math.sqrt(2), s.rate(BASE, 100, 0), 1e-15);
    assertEquals(BASE / Math.sqrt(4), s.rate(BASE, 300, 0), 1e-15);
  }

  @Test
  void exponentialMultipliesByGammaPerUnit() {
    Schedule s = Schedule.exponential(0.95, Schedule.Unit.EPOCH);
    assertEquals(BASE, s.rate(BASE, 500, 0), 1e-15);
    assertEquals(BASE * Math.pow(0.95, 3), s.rate(BASE, 500, 3), 1e-15);
    assertEquals(BASE * 0.5 * 0.5, Schedule.exponential(0.5, Schedule.Unit.STEP).rate(BASE, 2, 9), 1e-15);
  }

  @Test
  void cosineAnnealsFromBaseToTheMinimum() {
    Schedule s = Schedule.cosine(100, 0.001, Schedule.Unit.STEP);
    assertEquals(BASE, s.rate(BASE, 0, 0), 1e-15);
    assertEquals(0.001 + (BASE - 0.001) / 2, s.rate(BASE, 50, 0), 1e-15);
    assertEquals(0.001, s.rate(BASE, 100, 0), 1e-15);
    assertEquals(0.001, s.rate(BASE, 1000, 0), 1e-15);
    assertEquals(0.001 + (BASE - 0.001) * (1 + Math.cos(Math.PI * 0.25)) / 2, s.rate(BASE, 25, 0), 1e-15);
  }

  @Test
  void warmupRampsLinearlyInFrontOfAnotherSchedule() {
    Schedule s = Schedule.warmup(10, 0.1, Schedule.exponential(0.5, Schedule.Unit.EPOCH));
    assertEquals(BASE * 0.1, s.rate(BASE, 0, 0), 1e-15);
    assertEquals(BASE * (0.1 + 0.9 * 0.5), s.rate(BASE, 5, 0), 1e-15);
    assertEquals(BASE, s.rate(BASE, 10, 0), 1e-15);
    assertEquals(BASE * 0.25, s.rate(BASE, 40, 2), 1e-15);
  }
}
