namespace AddMlp.Gpu.Tests;

/// <summary>
/// Tests that write into the folder the test binaries run from (the README example is compiled there,
/// to run with the tests' dependencies) or copy that folder whole (a broken copy of the JIT build), so
/// they run one at a time: a copy taken while a file is being written there fails.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TestBinariesCollection
{
    public const string Name = "test binaries folder";
}
