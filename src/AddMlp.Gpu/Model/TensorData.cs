namespace AddMlp.Gpu;

/// <summary>
/// One state_dict entry as stored in the model file: its shape and its values in row-major order.
/// Values are held as doubles, which hold float32 and float64 weights exactly.
/// </summary>
public sealed record TensorData(long[] Shape, double[] Values)
{
    public bool Equals(TensorData? other) =>
        other is not null && Shape.SequenceEqual(other.Shape) && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Shape.Length, Values.Length);
}
