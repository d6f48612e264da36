namespace AddMlp.Gpu.Tests;

/// <summary>
/// Tests that train in this process share torch's global random generator (as PyTorch code does),
/// so they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "torch in-process";
}
