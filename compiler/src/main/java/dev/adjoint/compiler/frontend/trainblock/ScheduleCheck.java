package dev.adjoint.compiler.frontend.trainblock;

import dev.adjoint.compiler.settings.LearningRateSchedule;
import java.util.List;

/** {@code schedule}: none, one, or {@code warmup(...)} first and one schedule after it. */
final class ScheduleCheck {
  private ScheduleCheck() {}

  /** The block's schedules in order; a misplaced warm-up or a second schedule reported. */
  static List<LearningRateSchedule> check(TrainBlock block) {
    List<OptionLists.Bound> list = OptionLists.bind(block, "schedule", TrainOptions.SCHEDULES, "schedule");
    for (int i = 0; i < list.size(); i++) {
      OptionLists.Bound s = list.get(i);
      boolean warmup = s.call().callee().equals("warmup");
      if (warmup && i != 0) {
        block.diagnostics().error(s.call().span(), "warmup must come first, before the schedule it leads into",
            "write: schedule " + OptionCalls.sourceText(s.call().span()) + ", "
                + OptionCalls.sourceText(list.get(0).call().span()));
      }
      if (!warmup && i > 0 && !list.get(0).call().callee().equals("warmup")) {
        block.diagnostics().error(s.call().span(), "only one schedule can follow, after an optional warmup",
            "e.g. schedule warmup(steps = 100), cosine(over = 1000)");
      }
    }
    return list.stream()
        .map(s -> TrainOptions.SCHEDULE_CHOICES.get(s.call().callee()).build().apply(s.args())).toList();
  }
}
