namespace AddMlp.Gpu;

/// <summary>Which of addmlp's files a <see cref="ModelFileException"/> is about.</summary>
public enum AddMlpFile
{
    /// <summary>A model: addmlp's JSON, or a PyTorch state dict.</summary>
    Model,

    /// <summary>A loss curve.</summary>
    LossCurve,

    /// <summary>A run's options (`train --config`).</summary>
    Config,
}

/// <summary>What is wrong with a file.</summary>
public enum FileProblem
{
    /// <summary>There is no file at the path.</summary>
    NotFound,

    /// <summary>It exists but cannot be read (a directory, permissions, too large).</summary>
    Unreadable,

    /// <summary>It was read but is not a valid file of its kind.</summary>
    Invalid,

    /// <summary>A PyTorch state dict that does not fit the architecture it was loaded as.</summary>
    DoesNotFitArchitecture,

    /// <summary>A valid model file without a run's state to continue (not made by `train`, or by an addmlp before version 2 files).</summary>
    NotResumable,
}

/// <summary>A model or loss-curve file is missing or not one addmlp can use. The message names the file and the problem.</summary>
public sealed class ModelFileException(AddMlpFile file, FileProblem problem, string path, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public AddMlpFile File { get; } = file;
    public FileProblem Problem { get; } = problem;
    public string Path { get; } = path;
}
