namespace AddMlp.Gpu;

/// <summary>Saves and loads the loss-curve file.</summary>
public static class LossCurveFile
{
    public const string DefaultPath = "addmlp-loss.json";

    /// <summary>Writes atomically: an existing file is replaced whole or not at all.</summary>
    public static void Save(string path, LossCurveDocument curve) => JsonFile.Save(path, curve);

    public static LossCurveDocument Load(string path)
    {
        LossCurveDocument curve = JsonFile.Load<LossCurveDocument>(path, "loss-curve file", "run `addmlp train` first, or pass --loss-curve PATH");
        if (curve.Format != LossCurveDocument.FormatName)
            throw new ModelFileException($"loss-curve file '{path}': format is '{curve.Format}', expected '{LossCurveDocument.FormatName}'");
        if (curve.Version != LossCurveDocument.CurrentVersion)
            throw new ModelFileException($"loss-curve file '{path}': version {curve.Version} is not supported (this addmlp reads version {LossCurveDocument.CurrentVersion})");
        return curve;
    }
}
