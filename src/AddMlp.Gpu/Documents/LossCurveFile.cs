namespace AddMlp.Gpu;

/// <summary>Saves and loads the loss-curve file.</summary>
public static class LossCurveFile
{
    public const string DefaultPath = "addmlp-loss.json";

    /// <summary>Writes atomically: an existing file is replaced whole or not at all.</summary>
    public static void Save(string path, LossCurveDocument curve) => JsonFile.Save(path, curve);

    /// <summary>Reads a loss curve; a float32 run's values come back bit-identical. Throws <see cref="ModelFileException"/>.</summary>
    public static LossCurveDocument Load(string path) => JsonFile.Load<LossCurveDocument>(path);
}
