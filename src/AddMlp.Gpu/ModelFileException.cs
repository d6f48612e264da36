namespace AddMlp.Gpu;

/// <summary>A model or loss-curve file is missing or not one addmlp can use. The message names the file and the problem.</summary>
public sealed class ModelFileException(string message, Exception? inner = null) : Exception(message, inner);
