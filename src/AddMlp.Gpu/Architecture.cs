namespace AddMlp.Gpu;

/// <summary>The network's shape: inputs -> hidden layers (each followed by the activation) -> outputs.</summary>
/// <param name="Inputs">Input features (2: the two addends).</param>
/// <param name="Hidden">Widths of the hidden layers; empty for the tutorial's single Linear(2, 1).</param>
/// <param name="Activation">relu, tanh or gelu between layers; null when there are no hidden layers.</param>
/// <param name="Outputs">Output features (1: the sum).</param>
public sealed record Architecture(int Inputs, IReadOnlyList<int> Hidden, string? Activation, int Outputs)
{
    /// <summary>The tutorial's model: Sequential(Linear(2, 1)).</summary>
    public static Architecture Linear { get; } = new(2, [], null, 1);

    public static IReadOnlyList<string> Activations { get; } = ["relu", "tanh", "gelu"];

    /// <summary>Widths from input to output, e.g. [2, 16, 16, 1].</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> LayerWidths => [Inputs, .. Hidden, Outputs];

    /// <summary>The state_dict names and shapes PyTorch's Sequential gives this network, in order.</summary>
    public IEnumerable<(string Name, long[] Shape)> Parameters()
    {
        IReadOnlyList<int> widths = LayerWidths;
        for (int layer = 0; layer < widths.Count - 1; layer++)
        {
            int index = 2 * layer; // Linear, activation, Linear, ... : linears sit at even indices
            yield return ($"{index}.weight", [widths[layer + 1], widths[layer]]);
            yield return ($"{index}.bias", [widths[layer + 1]]);
        }
    }

    public bool Equals(Architecture? other) =>
        other is not null && Inputs == other.Inputs && Outputs == other.Outputs
        && Activation == other.Activation && Hidden.SequenceEqual(other.Hidden);

    public override int GetHashCode() => HashCode.Combine(Inputs, Outputs, Activation, Hidden.Count);
}
