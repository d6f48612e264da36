namespace AddMlp.Gpu;

/// <summary>The network's shape: inputs -> hidden layers (each followed by the activation) -> outputs.</summary>
/// <param name="Inputs">Input features (2: the two addends).</param>
/// <param name="Hidden">Widths of the hidden layers; empty for the tutorial's single Linear(2, 1).</param>
/// <param name="Activation">The nonlinearity between layers; null when there are no hidden layers.</param>
/// <param name="Outputs">Output features (1: the sum).</param>
public sealed record Architecture(int Inputs, IReadOnlyList<int> Hidden, Activation? Activation, int Outputs)
{
    /// <summary>Limits on <see cref="Hidden"/>: far beyond anything addition needs, and small enough to fit in memory.</summary>
    public const int MaxHiddenLayers = 64, MaxWidth = 65536;

    /// <summary>The tutorial's model: Sequential(Linear(2, 1)).</summary>
    public static Architecture Linear { get; } = new(2, [], null, 1);

    /// <summary>An adder (2 inputs, 1 output) with these hidden layers; the tutorial's <see cref="Linear"/> when there are none.</summary>
    public static Architecture Adder(IReadOnlyList<int> hidden, Activation activation) =>
        hidden.Count == 0 ? Linear : new(2, hidden, activation, 1);

    /// <summary>No hidden layers: y = w·x + b, which can be compared with the exact rule (<see cref="ExactRule"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLinear => Hidden.Count == 0;

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

    /// <summary>How many numbers the network's weights and biases hold.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long ParameterCount => Parameters().Sum(p => p.Shape.Aggregate(1L, (n, d) => n * d));

    /// <summary>How people name it: "Linear(2, 1)", or "hidden 16,16 tanh".</summary>
    public override string ToString() =>
        IsLinear ? $"Linear({Inputs}, {Outputs})" : $"hidden {string.Join(',', Hidden)} {(Activation is { } a ? EnumNames<Activation>.Of(a) : "")}";

    public bool Equals(Architecture? other) =>
        other is not null && Inputs == other.Inputs && Outputs == other.Outputs
        && Activation == other.Activation && Hidden.SequenceEqual(other.Hidden);

    public override int GetHashCode() => HashCode.Combine(Inputs, Outputs, Activation, Hidden.Count);
}

/// <summary>The nonlinearity between hidden layers (written "relu", "tanh", "gelu").</summary>
public enum Activation
{
    Relu,
    Tanh,
    Gelu,
}
