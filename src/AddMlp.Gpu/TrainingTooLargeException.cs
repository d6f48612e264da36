namespace AddMlp.Gpu;

/// <summary>The run asked for more memory than the machine has; refused before anything was allocated.</summary>
public sealed class TrainingTooLargeException(string message) : Exception(message);
