namespace AddMlp.Gpu;

/// <summary>Saves and loads the model file; a loaded model is checked against its own architecture.</summary>
public static class ModelFile
{
    public const string DefaultPath = "addmlp-model.json";

    /// <summary>Writes atomically: an existing file is replaced whole or not at all.</summary>
    public static void Save(string path, ModelDocument model) => JsonFile.Save(path, model);

    public static ModelDocument Load(string path)
    {
        ModelDocument model = JsonFile.Load<ModelDocument>(path, "model file", "run `addmlp train` first, or pass --model PATH");
        Validate(model, path);
        // A float32 model's weights are written in float32's shortest form: narrowing recovers their exact bits.
        return model.Dtype == "float32"
            ? model with { StateDict = model.StateDict.ToDictionary(p => p.Key, p => p.Value with { Values = Float32.Narrow(p.Value.Values) }) }
            : model;
    }

    private static void Validate(ModelDocument model, string path)
    {
        void Fail(string problem) => throw new ModelFileException($"model file '{path}': {problem}");

        if (model.Format != ModelDocument.FormatName)
            Fail($"format is '{model.Format}', expected '{ModelDocument.FormatName}'");
        if (model.Version != ModelDocument.CurrentVersion)
            Fail($"version {model.Version} is not supported (this addmlp reads version {ModelDocument.CurrentVersion})");

        if (!TrainOptions.DTypes.Contains(model.Dtype))
            Fail($"dtype '{model.Dtype}' is not one of {string.Join(", ", TrainOptions.DTypes)}");

        Architecture a = model.Architecture;
        if (a.Inputs != 2 || a.Outputs != 1)
            Fail($"architecture has {a.Inputs} inputs and {a.Outputs} outputs; an adder has 2 and 1");
        if (a.Hidden.Count > 64 || a.Hidden.Any(width => width is < 1 or > 65536))
            Fail("architecture.hidden must list at most 64 layer widths, each from 1 to 65536");
        if (a.Hidden.Count > 0 && (a.Activation is null || !Architecture.Activations.Contains(a.Activation)))
            Fail($"architecture.activation '{a.Activation}' is not one of {string.Join(", ", Architecture.Activations)}");

        var expected = a.Parameters().ToList();
        foreach (string name in model.StateDict.Keys.Except(expected.Select(p => p.Name)))
            Fail($"state_dict has '{name}', which this architecture does not");
        foreach (var (name, shape) in expected)
        {
            if (!model.StateDict.TryGetValue(name, out TensorData? tensor))
                Fail($"state_dict lacks '{name}'");
            else if (!tensor.Shape.SequenceEqual(shape))
                Fail($"'{name}' has shape [{string.Join(", ", tensor.Shape)}], the architecture needs [{string.Join(", ", shape)}]");
            else if (tensor.Values.LongLength != shape.Aggregate(1L, (n, d) => n * d))
                Fail($"'{name}' has {tensor.Values.Length} values, its shape needs {shape.Aggregate(1L, (n, d) => n * d)}");
            else if (tensor.Values.Any(v => !double.IsFinite(v) || (model.Dtype == "float32" && !float.IsFinite((float)v))))
                Fail($"'{name}' holds a NaN or infinite value");
        }
    }
}
