namespace AddMlp.Gpu;

/// <summary>Saves and loads the loss-curve file.</summary>
public static class LossCurveFile
{
    public const string DefaultPath = "addmlp-loss.json";

    /// <summary>Writes atomically: an existing file is replaced whole or not at all.</summary>
    public static void Save(string path, LossCurveDocument curve) => JsonFile.Save(path, curve);

    /// <summary>
    /// Reads a loss curve. Values of a float32 run are returned exactly as the run computed them
    /// (the text holds float32's shortest form; narrowing what was read recovers the float32 bits).
    /// </summary>
    public static LossCurveDocument Load(string path)
    {
        LossCurveDocument curve = JsonFile.Load<LossCurveDocument>(path, "loss-curve file", "run `addmlp train` first, or pass --loss-curve PATH");
        if (curve.Format != LossCurveDocument.FormatName)
            throw new ModelFileException($"loss-curve file '{path}': format is '{curve.Format}', expected '{LossCurveDocument.FormatName}'");
        if (curve.Version != LossCurveDocument.CurrentVersion)
            throw new ModelFileException($"loss-curve file '{path}': version {curve.Version} is not supported (this addmlp reads version {LossCurveDocument.CurrentVersion})");
        if (!TrainOptions.DTypes.Contains(curve.Dtype))
            throw new ModelFileException($"loss-curve file '{path}': dtype '{curve.Dtype}' is not one of {string.Join(", ", TrainOptions.DTypes)}");
        return curve.Dtype == "float32"
            ? curve with { Loss = Float32.Narrow(curve.Loss), ValLoss = curve.ValLoss is null ? null : Float32.Narrow(curve.ValLoss), WeightError = curve.WeightError is null ? null : Float32.Narrow(curve.WeightError) }
            : curve;
    }
}
