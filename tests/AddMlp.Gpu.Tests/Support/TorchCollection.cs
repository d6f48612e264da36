namespace AddMlp.Gpu.Tests;

/// <summary>
/// Tests that use torch in this process (train, export, find a rate, resolve a device) share its global
/// state: the random generator (as PyTorch code does) and the thread count, which training sets and which
/// must not change under another thread's running op. So they run one at a time, in this collection; a
/// test class that calls the library's torch code in process belongs here. (A test host once crashed, a
/// jump to address 0x1010, during these tests while three classes outside the collection still used
/// torch in process: an lr-find, a training run, exports.)
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "torch in-process";
}
