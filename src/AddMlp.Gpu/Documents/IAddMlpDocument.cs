namespace AddMlp.Gpu;

/// <summary>What every addmlp JSON file starts with: its format name and version, checked in one place (<see cref="JsonFile"/>).</summary>
public interface IAddMlpDocument<TSelf>
    where TSelf : IAddMlpDocument<TSelf>
{
    /// <summary>The "format" this kind of document must have.</summary>
    static abstract string ExpectedFormat { get; }

    /// <summary>The oldest "version" this addmlp reads.</summary>
    static abstract int OldestVersion { get; }

    /// <summary>The "version" this addmlp writes, and the newest it reads.</summary>
    static abstract int NewestVersion { get; }

    static abstract AddMlpFile Kind { get; }

    string Format { get; }

    int Version { get; }

    /// <summary>The document with its values as its dtype computed them (float32 values narrowed back from the doubles read).</summary>
    TSelf Narrowed();
}
