namespace AddMlp.Gpu;

/// <summary>One state_dict entry as stored in the model file: its shape and its values in row-major order.</summary>
public sealed record TensorData(long[] Shape, float[] Values)
{
    public bool Equals(TensorData? other) =>
        other is not null && Shape.SequenceEqual(other.Shape) && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Shape.Length, Values.Length);
}
