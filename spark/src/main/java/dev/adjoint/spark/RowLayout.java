package dev.adjoint.spark;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.compiler.ir.Node;
import dev.adjoint.compiler.runs.IdLimits;
import dev.adjoint.data.IdLimit;
import dev.adjoint.runtime.model.CompiledModel;
import dev.adjoint.runtime.model.DType;
import dev.adjoint.runtime.model.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * How rows of a {@code Dataset<Row>} feed a model: each of its inputs (and, for training, its
 * targets) from the column of the same name, a number for an input of one value per sample,
 * an array (of any numeric type) or an ML vector for a wider one. Checks a schema before a
 * job starts, and each row as it is read, naming the column and showing the row.
 */
final class RowLayout implements Serializable {
  private static final int SHOWN = 6;

  private final String modelName;
  private final List<ModelColumn> columns;

  private RowLayout(String modelName, List<ModelColumn> columns) {
    this.modelName = modelName;
    this.columns = List.copyOf(columns);
  }

  /** The inputs of {@code unit} as its compiled class {@code model} sizes them; targets too when {@code withTargets}. */
  static RowLayout of(ModelUnit unit, CompiledModel model, boolean withTargets) {
    Map<String, IdLimit> limits = IdLimits.of(unit.graph());
    List<ModelColumn> columns = new ArrayList<>();
    for (Node n : unit.graph().inputs()) {
      Attrs.Input a = n.attrs(Attrs.Input.class);
      if (a.target() && !withTargets) {
        continue;
      }
      Tensor t = model.input(a.name());
      IdLimit limit = limits.get(a.name());
      columns.add(new ModelColumn(a.name(), t.spec().sampleSize(), t.spec().dtype() == DType.I32, a.target(),
          limit == null ? 0 : limit.count(), limit != null && limit.negativesAllowed(),
          limit == null ? Set.of() : limit.exempt(), limit == null ? null : limit.use()));
    }
    return new RowLayout(model.modelName(), columns);
  }

  List<ModelColumn> columns() {
    return columns;
  }

  /** Throws {@link IllegalArgumentException} naming the first model column {@code schema} lacks or types wrongly. */
  void check(StructType schema) {
    for (ModelColumn c : columns) {
      StructField field = find(schema, c.name());
      if (field == null) {
        throw new IllegalArgumentException("model " + modelName + " reads column '" + c.name() + "' (" + c.describe()
            + "), which the data lacks; its columns: " + String.join(", ", schema.fieldNames()));
      }
      DataType type = field.dataType();
      boolean ok = type instanceof NumericType ? c.width() == 1
          : type instanceof ArrayType array ? array.elementType() instanceof NumericType
          : type instanceof VectorUDT && !c.integer();
      if (!ok) {
        throw new IllegalArgumentException("column '" + c.name() + "' is " + type.simpleString() + "; model "
            + modelName + " reads " + c.describe() + ": "
            + (c.width() == 1 ? "a number or an array of one" : "an array of numbers" + (c.integer() ? "" : " or an ML vector")));
      }
    }
  }

  private static StructField find(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** The indices of the columns in rows of {@code schema} (checked first). */
  int[] indices(StructType schema) {
    check(schema);
    int[] out = new int[columns.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = schema.fieldIndex(columns.get(i).name());
    }
    return out;
  }

  /** Writes {@code row}'s values into the model's input buffers as sample {@code r}; checks each value. */
  void write(Row row, int[] indices, CompiledModel model, int r) {
    for (int i = 0; i < columns.size(); i++) {
      ModelColumn c = columns.get(i);
      Tensor t = model.input(c.name());
      Object cell = row.get(indices[i]);
      int n = length(row, indices, c, cell);
      for (int e = 0; e < n; e++) {
        double v = element(cell, e);
        check(row, indices, c, v);
        t.set(r * n + e, v);
      }
    }
  }

  /** Writes one cell of the layout's only column into the model's input as sample {@code r}, checked. */
  void writeCell(Object cell, CompiledModel model, int r) {
    ModelColumn c = columns.get(0);
    Tensor t = model.input(c.name());
    int n = cell instanceof Seq<?> seq ? seq.length() : cell instanceof Vector v ? v.size() : cell == null ? 0 : 1;
    if (cell == null || n != c.width()) {
      throw new BadRowException("the function of model " + modelName + " reads " + c.describe() + "; its argument "
          + (cell == null ? "is null" : "holds " + n + " values"));
    }
    for (int e = 0; e < n; e++) {
      double v = element(cell, e);
      if (!Double.isFinite(v)) {
        throw new BadRowException("the function of model " + modelName + " got " + v + " at element " + e);
      }
      t.set(r * n + e, v);
    }
  }

  /** The row's values of column {@code i} as floats (ids and classes exactly, below 2^24), checked. */
  float[] values(Row row, int[] indices, int i) {
    ModelColumn c = columns.get(i);
    Object cell = row.get(indices[i]);
    int n = length(row, indices, c, cell);
    float[] out = new float[n];
    for (int e = 0; e < n; e++) {
      double v = element(cell, e);
      check(row, indices, c, v);
      out[e] = (float) v;
    }
    return out;
  }

  private int length(Row row, int[] indices, ModelColumn c, Object cell) {
    if (cell == null) {
      throw bad(row, indices, c, "is null");
    }
    int n = cell instanceof Seq<?> seq ? seq.length() : cell instanceof Vector v ? v.size() : 1;
    if (n != c.width()) {
      throw bad(row, indices, c, "holds " + n + (n == 1 ? " value" : " values") + " where the model reads "
          + c.width());
    }
    return n;
  }

  private static double element(Object cell, int e) {
    Object v = cell instanceof Seq<?> seq ? seq.apply(e) : cell instanceof Vector vec ? (Object) vec.apply(e) : cell;
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  private void check(Row row, int[] indices, ModelColumn c, double v) {
    if (!Double.isFinite(v)) {
      throw bad(row, indices, c, "holds " + v + (Double.isNaN(v) ? " (or a null element)" : ""));
    }
    if (c.integer() && (v != Math.rint(v) || !c.allows((long) v))) {
      throw bad(row, indices, c, "holds " + (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v))
          + ", outside " + c.describe().substring(c.name().length() + 2));
    }
  }

  private BadRowException bad(Row row, int[] indices, ModelColumn c, String what) {
    return new BadRowException("column '" + c.name() + "' " + what + ", in row " + show(row, indices)
        + " (model " + modelName + " reads " + c.describe() + ")");
  }

  /** {@code {x=[0.0, 0.5, ... 784 values], y=12}}: the model's columns of the row, long arrays cut short. */
  String show(Row row, int[] indices) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < columns.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(columns.get(i).name()).append('=');
      Object cell = row.get(indices[i]);
      if (cell instanceof Seq<?> || cell instanceof Vector) {
        int n = cell instanceof Seq<?> seq ? seq.length() : ((Vector) cell).size();
        out.append('[');
        for (int e = 0; e < Math.min(n, SHOWN); e++) {
          Object v = cell instanceof Seq<?> seq ? seq.apply(e) : (Object) ((Vector) cell).apply(e);
          out.append(e == 0 ? "" : ", ").append(v);
        }
        out.append(n > SHOWN ? ", ... " + n + " values]" : "]");
      } else {
        out.append(cell);
      }
    }
    return out.append('}').toString();
  }
}
