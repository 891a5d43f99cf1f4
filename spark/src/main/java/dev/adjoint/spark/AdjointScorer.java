package dev.adjoint.spark;

import dev.adjoint.compiler.frontend.ModelUnit;
import dev.adjoint.compiler.ir.Attrs;
import dev.adjoint.runtime.model.CompiledModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Batch scoring as a Spark ML stage: a .nn model ({@link #modelSource}, its text) with a
 * checkpoint's weights ({@link #checkpoint}, a path on any Hadoop filesystem, read once by the
 * driver and broadcast) adds a column per model output (an array of floats, named
 * {@link #outputPrefix} + the output's name) and, for a classifier whose checkpoint names its
 * classes, {@link #predictionCol} with the most likely class's name. The model reads the columns
 * named as its inputs. Each executor JVM compiles the model and loads the weights once; each
 * task takes {@link #batchSize} rows at a time through one {@code predict} into buffers it
 * borrows for the partition. Written and read like Spark ML's own stages (its parameters as
 * JSON; the checkpoint stays where its path says).
 */
public final class AdjointScorer extends Transformer implements DefaultParamsWritable {
  private final String uid;
  private final Param<String> modelSource;
  private final Param<String> modelFile;
  private final Param<String> modelName;
  private final StringArrayParam sets;
  private final Param<String> checkpoint;
  private final IntParam batchSize;
  private final Param<String> outputPrefix;
  private final Param<String> predictionCol;

  public AdjointScorer() {
    this(Identifiable.randomUID("adjoint"));
  }

  public AdjointScorer(String uid) {
    this.uid = uid;
    modelSource = new Param<>(uid, "modelSource", "the text of the .nn file");
    modelFile = new Param<>(uid, "modelFile", "the name the .nn file's errors are reported under");
    modelName = new Param<>(uid, "modelName", "the model of the file to run; empty: its first");
    sets = new StringArrayParam(this, "sets", "hyperparameter overrides as --set takes them, e.g. hidden=128");
    checkpoint = new Param<>(uid, "checkpoint", "the checkpoint (safetensors) on any Hadoop filesystem");
    batchSize = new IntParam(this, "batchSize", "rows per predict call (> 0)", ParamValidators.gt(0));
    outputPrefix = new Param<>(uid, "outputPrefix", "what the output columns' names start with");
    predictionCol = new Param<>(uid, "predictionCol", "the predicted class's column (classifiers)");
    setDefault(modelFile, "model.nn");
    setDefault(modelName, "");
    setDefault(sets, new String[0]);
    setDefault(batchSize, 256);
    setDefault(outputPrefix, "");
    setDefault(predictionCol, "prediction");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** Reads a saved stage, as {@code AdjointScorer.load(path)} does. */
  public static MLReader<AdjointScorer> read() {
    return new DefaultParamsReader<>();
  }

  public static AdjointScorer load(String path) {
    return read().load(path);
  }

  public Param<String> modelSource() {
    return modelSource;
  }

  public Param<String> modelFile() {
    return modelFile;
  }

  public Param<String> modelName() {
    return modelName;
  }

  public StringArrayParam sets() {
    return sets;
  }

  public Param<String> checkpoint() {
    return checkpoint;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public Param<String> outputPrefix() {
    return outputPrefix;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  /** Sets the model: its file's name (for messages) and text, with the model's name and overrides. */
  public AdjointScorer setModel(ModelSource source) {
    set(modelFile, source.fileName());
    set(modelSource, source.text());
    set(modelName, source.model() == null ? "" : source.model());
    set(sets, source.sets().toArray(String[]::new));
    return this;
  }

  public AdjointScorer setCheckpoint(String path) {
    set(checkpoint, path);
    return this;
  }

  public AdjointScorer setBatchSize(int rows) {
    set(batchSize, rows);
    return this;
  }

  public AdjointScorer setOutputPrefix(String prefix) {
    set(outputPrefix, prefix);
    return this;
  }

  public AdjointScorer setPredictionCol(String name) {
    set(predictionCol, name);
    return this;
  }

  /** The model these parameters name. */
  public ModelSource source() {
    if (!isDefined(modelSource)) {
      throw new IllegalArgumentException("AdjointScorer " + uid + " has no model: set modelSource (setModel)");
    }
    String name = getOrDefault(modelName);
    return new ModelSource(getOrDefault(modelFile), getOrDefault(modelSource), name.isEmpty() ? null : name,
        List.of(getOrDefault(sets)));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    ModelSource source = source();
    if (!isDefined(checkpoint)) {
      throw new IllegalArgumentException("AdjointScorer " + uid + " has no checkpoint: set checkpoint");
    }
    ModelUnit unit = JvmModels.unit(source);
    CompiledModel model = JvmModels.factory(source).newModel(1);
    RowLayout.of(unit, model, false).check(schema);
    List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
    for (String out : model.outputs().keySet()) {
      fields.add(DataTypes.createStructField(unique(schema, getOrDefault(outputPrefix) + out),
          DataTypes.createArrayType(DataTypes.FloatType, false), false));
    }
    if (classifier(unit)) {
      fields.add(DataTypes.createStructField(unique(schema, getOrDefault(predictionCol)), DataTypes.StringType, true));
    }
    return DataTypes.createStructType(fields);
  }

  private static String unique(StructType schema, String name) {
    for (String f : schema.fieldNames()) {
      if (f.equals(name)) {
        throw new IllegalArgumentException("the data already has a column '" + name + "', which the scorer would "
            + "add; choose another outputPrefix or predictionCol");
      }
    }
    return name;
  }

  /** Whether the model has a class target, so that a checkpoint of it names its classes. */
  static boolean classifier(ModelUnit unit) {
    return unit.graph().inputs().stream().map(n -> n.attrs(Attrs.Input.class))
        .anyMatch(a -> a.target() && a.classes() >= 2);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    ModelSource source = source();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    byte[] weights = HadoopFiles.read(getOrDefault(checkpoint), sc.hadoopConfiguration());
    Broadcast<byte[]> shipped = sc.broadcast(weights);
    ModelUnit unit = JvmModels.unit(source);
    boolean classes = classifier(unit);
    int batch = (Integer) getOrDefault(batchSize);
    RowLayout layout = RowLayout.of(unit, JvmModels.factory(source).newModel(1), false);
    StructType in = dataset.schema();
    return dataset.toDF().mapPartitions(
        (org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) rows ->
            new ScoredRows(rows, LoadedModel.of(source, shipped.value(), batch), layout, in, classes),
        Encoders.row(out));
  }

  @Override
  public AdjointScorer copy(ParamMap extra) {
    return (AdjointScorer) defaultCopy(extra);
  }

  /** A partition's rows with the model's outputs appended, scored a batch at a time as they are read. */
  private static final class ScoredRows implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final LoadedModel loaded;
    private final RowLayout layout;
    private final int[] indices;
    private final boolean classes;
    private final List<String> outputs;
    private final Row[] pending;
    private CompiledModel model;
    private int count;
    private int next;

    ScoredRows(Iterator<Row> rows, LoadedModel loaded, RowLayout layout, StructType schema, boolean classes) {
      this.rows = rows;
      this.loaded = loaded;
      this.layout = layout;
      this.indices = layout.indices(schema);
      this.classes = classes;
      this.outputs = loaded.outputs();
      this.pending = new Row[loaded.maxBatch()];
    }

    @Override
    public boolean hasNext() {
      if (next < count) {
        return true;
      }
      fill();
      return next < count;
    }

    private void fill() {
      count = 0;
      next = 0;
      if (!rows.hasNext()) {
        if (model != null) {
          loaded.giveBack(model);
          model = null;
        }
        return;
      }
      if (model == null) {
        model = loaded.borrow();
      }
      while (count < pending.length && rows.hasNext()) {
        Row row = rows.next();
        layout.write(row, indices, model, count);
        pending[count++] = row;
      }
      loaded.predict(model, count);
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int r = next++;
      Row row = pending[r];
      Object[] values = new Object[row.length() + outputs.size() + (classes ? 1 : 0)];
      for (int i = 0; i < row.length(); i++) {
        values[i] = row.get(i);
      }
      for (int o = 0; o < outputs.size(); o++) {
        values[row.length() + o] = LoadedModel.output(model, outputs.get(o), r);
      }
      if (classes) {
        values[values.length - 1] = loaded.classNames().isEmpty() ? null : loaded.predictedClass(model, r);
      }
      pending[r] = null;
      return RowFactory.create(values);
    }
  }
}
