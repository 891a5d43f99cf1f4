package dev.adjoint.runtime.checkpoint;

import dev.adjoint.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Lists every way a checkpoint's tensors differ from a model's, in words a user can act on. */
final class Compatibility {
  private Compatibility() {
  }

  /**
   * The differences between {@code model} (checkpoint name to tensor, with static shapes) and
   * {@code file}: missing and unexpected tensors, other dtypes, other shapes. Empty when the
   * checkpoint fits.
   */
  static List<String> differences(Map<String, Tensor> model, Map<String, int[]> shapes, Map<String, TensorData> file) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : model.entrySet()) {
      String name = e.getKey();
      Tensor t = e.getValue();
      TensorData saved = file.get(name);
      int[] shape = shapes.get(name);
      if (saved == null) {
        out.add("the model has " + ModelTensors.describe(name) + " but the checkpoint does not"
            + (name.startsWith(ModelTensors.OPTIMIZER) ? ": was it trained with another optimizer?" : ""));
      } else if (saved.dtype() != t.spec().dtype()) {
        out.add(ModelTensors.describe(name) + " is " + saved.dtype().text() + " in the checkpoint but "
            + t.spec().dtype().text() + " in the model");
      } else if (!Arrays.equals(saved.shape(), shape)) {
        out.add(ModelTensors.describe(name) + " has shape " + TensorData.shapeText(saved.shape())
            + " in the checkpoint but " + TensorData.shapeText(shape) + " in the model: was it trained with other"
            + " hyperparameters (another --set) or another version of the .nn file?");
      }
    }
    for (String name : file.keySet()) {
      if (!model.containsKey(name)) {
        out.add("the checkpoint has " + ModelTensors.describe(name) + ", which the model does not have"
            + (name.startsWith(ModelTensors.OPTIMIZER) ? ": was it trained with another optimizer?" : ""));
      }
    }
    return out;
  }
}
