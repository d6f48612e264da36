namespace AddMlp.Gpu;

/// <summary>Saves and loads the model file; a loaded model is checked against its own architecture.</summary>
public static class ModelFile
{
    public const string DefaultPath = "addmlp-model.json";

    /// <summary>Writes atomically: an existing file is replaced whole or not at all.</summary>
    public static void Save(string path, ModelDocument model) => JsonFile.Save(path, model);

    /// <summary>Reads a model and checks its weights fit its architecture; a float32 model's weights come back bit-identical. Throws <see cref="ModelFileException"/>.</summary>
    public static ModelDocument Load(string path)
    {
        ModelDocument model = JsonFile.Load<ModelDocument>(path);
        if (Problem(model) is string problem)
            throw new ModelFileException(AddMlpFile.Model, FileProblem.Invalid, path, $"{JsonFile.Describe(AddMlpFile.Model)} '{path}': {problem}");
        return model;
    }

    /// <summary>The model as its file's JSON, without writing it: e.g. to read its settings as a config file's.</summary>
    public static System.Text.Json.JsonElement ToJson(ModelDocument model) =>
        System.Text.Json.JsonSerializer.SerializeToElement(model, Json.Options.TypeInfo<ModelDocument>());

    /// <summary>The most bytes addmlp reads of one of its files (a bigger one is refused before it is read).</summary>
    public const long MaxBytes = JsonFile.MaxBytes;

    /// <summary>
    /// An upper bound on the size of the larger of the two files a run with <paramref name="options"/> writes
    /// (the model file and its loss curve), whatever the numbers turn out to be: a run whose files could
    /// exceed <see cref="MaxBytes"/> would write what no command reads back.
    /// </summary>
    public static long LargestFileBytes(TrainOptions options)
    {
        const long Fixed = 16 << 10; // the keys, the architecture, the training block
        long valueBytes = options.DType == DType.Float64 ? sizeof(double) : sizeof(float);
        long textBytes = options.DType == DType.Float64 ? 26 : 16; // "-2.2250738585072014E-308, " / "-1.1754944E-38, "
        long base64 = (valueBytes * 4 + 2) / 3 + 1;
        long parameters = options.Architecture.ParameterCount;
        long series = 1 + (options.ValFraction > 0 ? 1 : 0) + (options.Architecture.IsLinear ? 1 : 0);
        long buffers = 2 + (options.EarlyStop is null ? 0 : 1); // the optimizer's, the best weights
        long model = Fixed + parameters * (textBytes + buffers * base64) + (long)options.Epochs * series * base64;
        long curve = Fixed + (long)options.Epochs * (series + 1) * 16; // the losses as float32 text, and lr
        return Math.Max(model, curve);
    }

    private static string? Problem(ModelDocument model)
    {
        Architecture a = model.Architecture;
        if (a.Inputs != 2 || a.Outputs != 1)
            return $"architecture has {a.Inputs} inputs and {a.Outputs} outputs; an adder has 2 and 1";
        if (a.Hidden.Count > Architecture.MaxHiddenLayers || a.Hidden.Any(width => width is < 1 or > Architecture.MaxWidth))
            return $"architecture.hidden must list at most {Architecture.MaxHiddenLayers} layer widths, each from 1 to {Architecture.MaxWidth}";
        if (!a.IsLinear && a.Activation is null)
            return $"architecture.activation '' is not one of {string.Join(", ", EnumNames<Activation>.All)}";

        var expected = a.Parameters().ToList();
        foreach (string name in model.StateDict.Keys.Except(expected.Select(p => p.Name)))
            return $"state_dict has '{name}', which this architecture does not";
        foreach (var (name, shape) in expected)
        {
            long size = shape.Aggregate(1L, (n, d) => n * d);
            if (!model.StateDict.TryGetValue(name, out TensorData? tensor))
                return $"state_dict lacks '{name}'";
            if (!tensor.Shape.SequenceEqual(shape))
                return $"'{name}' has shape [{string.Join(", ", tensor.Shape)}], the architecture needs [{string.Join(", ", shape)}]";
            if (tensor.Values.LongLength != size)
                return $"'{name}' has {tensor.Values.Length} values, its shape needs {size}";
            if (tensor.Values.Any(v => !double.IsFinite(v) || (model.Dtype == DType.Float32 && !float.IsFinite((float)v))))
                return $"'{name}' holds a NaN or infinite value";
        }
        return null;
    }
}
