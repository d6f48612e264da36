using System.Runtime.CompilerServices;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// A CPU tensor's memory as a span, for code that reads or writes it every step (the optimizer, the host
/// step, the records): TorchSharp's accessor allocates on every copy it makes, garbage a hundred thousand
/// times over in a long run, while the span costs nothing. The tensor must keep its storage while the view
/// lives (a run's flat parameter buffers do).
/// </summary>
internal sealed unsafe class HostView<T> : IDisposable
    where T : unmanaged
{
    private readonly TensorAccessor<T> _accessor; // holds the memory's address, and keeps the tensor alive
    private readonly void* _data;
    private readonly int _length;

    public HostView(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("a contiguous CPU tensor is needed", nameof(tensor));
        _accessor = tensor.data<T>();
        _data = (void*)DataPointer(_accessor);
        _length = checked((int)_accessor.Count);
    }

    public Span<T> Span => new(_data, _length);

    public void Dispose() => _accessor.Dispose();

    // TorchSharp 0.107's accessor keeps the address it read from libtorch in this field and offers no way to
    // it; a TorchSharp that renames it fails here at once (MissingFieldException), in every training test.
    private static IntPtr DataPointer(TensorAccessor<T> accessor) => typeof(T) == typeof(float)
        ? SinglePointer((TensorAccessor<float>)(object)accessor)
        : DoublePointer((TensorAccessor<double>)(object)accessor);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_tensor_data_ptr")]
    private static extern ref IntPtr SinglePointer(TensorAccessor<float> accessor);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_tensor_data_ptr")]
    private static extern ref IntPtr DoublePointer(TensorAccessor<double> accessor);
}
